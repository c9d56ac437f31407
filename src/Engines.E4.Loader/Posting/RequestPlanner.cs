namespace Viaduct.Engines.E4.Loader.Posting;

/// <summary>
/// Splits cases into upsert requests: at most <c>maxItems</c> items a request; a patient case always in the same
/// request as its lab results (a case with more lab results than fit goes in several requests, its patient case in
/// each); never one external id twice in a request, because CommCare would create a duplicate case.
/// </summary>
public static class RequestPlanner
{
    public static IReadOnlyList<IReadOnlyList<CasePart>> Plan(IEnumerable<CaseToPost> cases, int maxItems)
    {
        ArgumentNullException.ThrowIfNull(cases);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxItems, 2);

        var requests = new List<List<CasePart>>();
        var externalIds = new List<HashSet<string>>();
        var items = new List<int>();
        foreach (var indexCase in cases)
        {
            var chunks = indexCase.LabResults.Count == 0
                ? [new CasePart(indexCase, [])]
                : indexCase.LabResults.Chunk(maxItems - 1).Select(labs => new CasePart(indexCase, labs)).ToList();
            foreach (var part in chunks)
            {
                var ids = part.LabResults.Select(l => l.ExternalId).Append(indexCase.ExternalId).ToList();
                var target = -1;
                for (var i = 0; i < requests.Count && target < 0; i++)
                {
                    if (items[i] + part.Items <= maxItems && !ids.Any(externalIds[i].Contains))
                    {
                        target = i;
                    }
                }

                if (target < 0)
                {
                    requests.Add([]);
                    externalIds.Add(new HashSet<string>(StringComparer.Ordinal));
                    items.Add(0);
                    target = requests.Count - 1;
                }

                requests[target].Add(part);
                externalIds[target].UnionWith(ids);
                items[target] += part.Items;
            }
        }

        return requests;
    }
}
