using System.Text.Json;
using Microsoft.Extensions.Options;
using Viaduct.CommCare.Storage;

namespace Viaduct.CommCare.Api;

/// <summary>
/// <c>POST /a/{domain}/api/case/v2/</c>: reads the items, resolves what each one changes, and applies them all as one
/// form, as CommCare HQ does.
/// <list type="bullet">
/// <item>Every external id an upsert names is looked up before any change is made. So a request that upserts one new
/// external id twice creates two cases, and two concurrent requests upserting the same new external id can create two
/// cases: both are CommCare HQ's documented behaviour, kept so that a client's mistakes show up in tests.</item>
/// <item>Once an external id names several cases, upserting or indexing by it is refused (400), as in CommCare HQ.</item>
/// <item>Problems found while resolving (unknown case, external id, temporary id or index target) are recorded as an
/// error form and answered 400 with its id; nothing is changed.</item>
/// </list>
/// </summary>
internal sealed class CaseUpserts(CaseStore store, IOptions<CommCareServerOptions> options, ILogger<CaseUpserts> logger)
{
    /// <summary>The state of each item's case after the request, in posted order, and whether the body was a list.</summary>
    /// <exception cref="CaseApiException">The request is refused; nothing changed.</exception>
    public Task<(IReadOnlyList<StoredCase> Cases, bool IsBulk)> PostAsync(
        string domain, JsonElement body, FormInfo form, CancellationToken cancellationToken)
    {
        var (changes, isBulk) = CaseChangeReader.Read(body, options.Value.MaxCasesPerRequest);
        return ApplyAsync(domain, changes, isBulk, form, cancellationToken);
    }

    /// <summary>
    /// <c>PUT</c> to one case: an update of the case with <paramref name="caseId"/>, or an upsert by
    /// <paramref name="externalId"/> (the case with it is updated, else one is created).
    /// </summary>
    /// <exception cref="CaseApiException">The request is refused; nothing changed.</exception>
    public async Task<StoredCase> PutAsync(
        string domain, JsonElement body, string? caseId, string? externalId, FormInfo form, CancellationToken cancellationToken)
    {
        var change = CaseChangeReader.ReadPut(body, caseId, externalId);
        var (cases, _) = await ApplyAsync(domain, [change], isBulk: false, form, cancellationToken);
        return cases[0];
    }

    private async Task<(IReadOnlyList<StoredCase> Cases, bool IsBulk)> ApplyAsync(
        string domain, IReadOnlyList<CaseChange> changes, bool isBulk, FormInfo form, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(form);

        var caseIdsToCheck = changes
            .Where(change => change.Kind == CaseChangeKind.Update && change.CaseId is not null).Select(change => change.CaseId!)
            .Concat(changes.SelectMany(change => change.Indices.Values).Where(index => index.CaseId is not null).Select(index => index.CaseId!))
            .ToHashSet(StringComparer.Ordinal);
        var externalIdsToFind = changes
            .Where(change => change.Kind == CaseChangeKind.Upsert || (change.Kind == CaseChangeKind.Update && change.CaseId is null))
            .Select(change => change.ExternalId!)
            .Concat(changes.SelectMany(change => change.Indices.Values).Where(index => index.ExternalId is not null).Select(index => index.ExternalId!))
            .ToHashSet(StringComparer.Ordinal);
        var existing = await store.ExistingCaseIdsAsync(domain, caseIdsToCheck, cancellationToken);
        var byExternalId = await store.CaseIdsByExternalIdAsync(domain, externalIdsToFind, cancellationToken);

        var plan = Resolve(changes, existing, byExternalId, out var errors);
        if (errors.Count > 0)
        {
            var ordered = errors.OrderBy(e => e.Row).ToList();
            var problem = isBulk ? string.Join("; ", ordered.Select(e => $"Error in row {e.Row}: {e.Message}")) : ordered[0].Message;
            await RefuseAsync(domain, form, problem, cancellationToken);
        }

        IReadOnlyList<StoredCase> cases;
        try
        {
            cases = await store.ApplyAsync(domain, form, plan, cancellationToken);
        }
        catch (MissingCaseException e)
        {
            await RefuseAsync(domain, form, e.Message, cancellationToken);
            throw;
        }

        var created = plan.Where(change => change.IsNew).Select(change => change.CaseId).Distinct().Count();
        var touched = plan.Select(change => change.CaseId).Distinct().Count();
        Log.FormApplied(logger, domain, form.XFormId, changes.Count, created, touched - created);
        return (cases, isBulk);
    }

    private async Task RefuseAsync(string domain, FormInfo form, string problem, CancellationToken cancellationToken)
    {
        await store.RecordErrorFormAsync(domain, form, problem, cancellationToken);
        Log.FormRefused(logger, domain, form.XFormId, problem);
        throw new CaseApiException(StatusCodes.Status400BadRequest, problem, form.XFormId);
    }

    private static List<PlannedChange> Resolve(
        IReadOnlyList<CaseChange> changes, HashSet<string> existing, Dictionary<string, List<string>> byExternalId,
        out List<(int Row, string Message)> errors)
    {
        var problems = new List<(int Row, string Message)>();
        errors = problems;
        var targets = new (string CaseId, bool IsNew)?[changes.Count];

        // Creations and upserts first: upserts see only what was stored before the request.
        for (var i = 0; i < changes.Count; i++)
        {
            var change = changes[i];
            switch (change.Kind)
            {
                case CaseChangeKind.Create:
                    targets[i] = (NewCaseId(), true);
                    break;
                case CaseChangeKind.Upsert:
                    if (!byExternalId.TryGetValue(change.ExternalId!, out var found))
                    {
                        if (CaseChangeReader.MissingForCreation(change) is { } missing)
                            problems.Add((change.Row, missing));
                        else
                            targets[i] = (NewCaseId(), true);
                    }
                    else if (found.Count == 1)
                        targets[i] = (found[0], false);
                    else
                        problems.Add((change.Row, $"There are multiple cases with external_id {change.ExternalId}"));
                    break;
                case CaseChangeKind.Update when change.CaseId is not null:
                    if (existing.Contains(change.CaseId))
                        targets[i] = (change.CaseId, false);
                    else
                        problems.Add((change.Row, $"No case found with ID '{change.CaseId}'"));
                    break;
            }
        }

        var externalIdsInRequest = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < changes.Count; i++)
        {
            if (changes[i].ExternalId is { } externalId && targets[i] is { } target)
            {
                externalIdsInRequest[externalId] = target.CaseId;
            }
        }

        string? ByExternalId(int row, string externalId)
        {
            if (externalIdsInRequest.TryGetValue(externalId, out var inRequest))
                return inRequest;
            if (!byExternalId.TryGetValue(externalId, out var stored))
            {
                problems.Add((row, $"Could not find a case with external_id '{externalId}'"));
                return null;
            }

            if (stored.Count > 1)
            {
                problems.Add((row, $"There are multiple cases with external_id {externalId}"));
                return null;
            }

            return stored[0];
        }

        // Updates that name only an external id: a case of this request, else one stored before it.
        for (var i = 0; i < changes.Count; i++)
        {
            var change = changes[i];
            if (change.Kind == CaseChangeKind.Update && change.CaseId is null && ByExternalId(change.Row, change.ExternalId!) is { } caseId)
            {
                targets[i] = (caseId, false);
            }
        }

        var temporaryIds = new Dictionary<string, string>(StringComparer.Ordinal);
        var createdHere = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < changes.Count; i++)
        {
            if (targets[i] is { } target)
            {
                if (changes[i].TemporaryId is { } temporaryId)
                    temporaryIds[temporaryId] = target.CaseId;
                if (target.IsNew)
                    createdHere.Add(target.CaseId);
            }
        }

        var plan = new List<PlannedChange>(changes.Count);
        for (var i = 0; i < changes.Count; i++)
        {
            var change = changes[i];
            var indices = new Dictionary<string, CaseIndex?>(StringComparer.Ordinal);
            foreach (var (name, index) in change.Indices)
            {
                string? target;
                if (index.RemovesIndex)
                {
                    indices[name] = null;
                    continue;
                }

                if (index.TemporaryId is not null)
                {
                    target = temporaryIds.GetValueOrDefault(index.TemporaryId);
                    if (target is null)
                        problems.Add((change.Row, $"Could not find a case with temporary_id '{index.TemporaryId}'"));
                }
                else if (index.ExternalId is not null)
                {
                    target = ByExternalId(change.Row, index.ExternalId);
                }
                else
                {
                    target = existing.Contains(index.CaseId!) || createdHere.Contains(index.CaseId!) ? index.CaseId : null;
                    if (target is null)
                        problems.Add((change.Row, $"Index '{name}' points at case '{index.CaseId}', which does not exist"));
                }

                if (target is not null)
                {
                    indices[name] = new CaseIndex(target, index.CaseType!, index.Relationship!);
                }
            }

            if (targets[i] is { } resolved)
            {
                plan.Add(new PlannedChange(change.Row, resolved.CaseId, resolved.IsNew, change, indices));
            }
        }

        return plan;
    }

    private static string NewCaseId() => Guid.NewGuid().ToString("D");
}
