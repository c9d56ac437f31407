using Viaduct.Engines.E4.Loader.Posting;

namespace Viaduct.Engines.E4.Loader.Tests.Posting;

public sealed class RequestPlannerTests
{
    [Fact]
    public void Cases_share_a_request_up_to_the_item_limit_each_with_all_its_lab_results()
    {
        var cases = Enumerable.Range(1, 30).Select(i => Case(i, person: i, labs: 3)).ToList();

        var requests = RequestPlanner.Plan(cases, maxItems: 100);

        // 4 items a case: 25 cases fill the first request.
        Assert.Equal([25, 5], requests.Select(r => r.Count));
        Assert.All(requests, r => Assert.True(r.Sum(p => p.Items) <= 100));
        Assert.All(requests.SelectMany(r => r), p => Assert.Equal(3, p.LabResults.Count));
    }

    [Fact]
    public void A_case_with_more_lab_results_than_fit_goes_in_several_requests_with_its_patient_case_in_each()
    {
        var big = Case(1, person: 1, labs: 150);

        var requests = RequestPlanner.Plan([big], maxItems: 100);

        Assert.Equal(2, requests.Count);
        Assert.All(requests, r => Assert.Equal(big, Assert.Single(r).Case));
        Assert.Equal(150, requests.Sum(r => r.Single().LabResults.Count));
        Assert.All(requests, r => Assert.True(r.Sum(p => p.Items) <= 100));
    }

    [Fact]
    public void Two_cases_of_one_person_never_share_a_request()
    {
        // One person's cases share the external id P<person>: in one request CommCare would make two cases of it.
        var requests = RequestPlanner.Plan([Case(1, person: 7, labs: 1), Case(2, person: 7, labs: 1), Case(3, person: 8, labs: 1)], maxItems: 100);

        Assert.Equal(2, requests.Count);
        Assert.All(requests, r => Assert.Equal(r.Count, r.Select(p => p.Case.ExternalId).Distinct().Count()));
    }

    [Fact]
    public void No_external_id_appears_twice_in_a_request()
    {
        var cases = Enumerable.Range(1, 60).Select(i => Case(i, person: i % 20, labs: i % 4)).ToList();

        var requests = RequestPlanner.Plan(cases, maxItems: 10);

        Assert.All(requests, r =>
        {
            var ids = r.SelectMany(p => p.LabResults.Select(l => l.ExternalId).Append(p.Case.ExternalId)).ToList();
            Assert.Equal(ids.Count, ids.Distinct().Count());
            Assert.True(r.Sum(p => p.Items) <= 10);
        });
        Assert.Equal(cases.Sum(c => c.LabResults.Count), requests.SelectMany(r => r).Sum(p => p.LabResults.Count));
    }

    private static CaseToPost Case(long id, long person, int labs) => new(
        id, person, "36001", "test-albany", "loc-albany", $"P{person}", null, null, new Dictionary<string, string>(), 1, 0, "enqueued", null, true,
        [.. Enumerable.Range(1, labs).Select(l => new LabResultToPost(id * 1000 + l, $"ACC{id}-{l}", $"P{person}#K#ACC{id}-{l}", new Dictionary<string, string>(), 1))]);
}
