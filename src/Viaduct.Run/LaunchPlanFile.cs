using System.Text.Json;

namespace Viaduct.Run;

/// <summary>
/// A plan read from JSON (<c>--processes FILE</c>), so that tests and one-off setups can supervise any commands:
/// <code>
/// { "prepare": [ { "name": "migrate", "fileName": "bash", "arguments": ["-c", "exit 0"] } ],
///   "services": [ { "name": "a", "fileName": "bash", "arguments": ["-c", "echo hi; sleep 60"],
///                   "environment": { "X": "1" }, "workingDirectory": "/tmp", "url": "http://127.0.0.1:5091", "paths": ["/health"] } ] }
/// </code>
/// </summary>
internal static class LaunchPlanFile
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public static LaunchPlan Read(string path)
    {
        Document document;
        try
        {
            document = JsonSerializer.Deserialize<Document>(File.ReadAllText(path), Json)
                ?? throw new ArgumentException($"{path} holds no plan");
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"{path} is not a plan: {e.Message}", e);
        }

        var plan = new LaunchPlan(
            (document.Prepare ?? []).Select(entry => entry.ToSpec(path)).ToList(),
            (document.Services ?? []).Select(entry => entry.ToSpec(path)).ToList(),
            []);
        var duplicate = plan.All.GroupBy(spec => spec.Name).FirstOrDefault(group => group.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"{path} names '{duplicate.Key}' more than once");
        }

        return plan.Services.Count == 0 ? throw new ArgumentException($"{path} lists no services") : plan;
    }

    private sealed class Document
    {
        public List<Entry>? Prepare { get; set; }

        public List<Entry>? Services { get; set; }
    }

    private sealed class Entry
    {
        public string? Name { get; set; }

        public string? FileName { get; set; }

        public List<string>? Arguments { get; set; }

        public Dictionary<string, string?>? Environment { get; set; }

        public string? WorkingDirectory { get; set; }

        public Uri? Url { get; set; }

        public List<string>? Paths { get; set; }

        public ProcessSpec ToSpec(string path) =>
            string.IsNullOrWhiteSpace(Name) || string.IsNullOrWhiteSpace(FileName)
                ? throw new ArgumentException($"{path}: every process needs a name and a fileName")
                : new ProcessSpec(Name, FileName, Arguments ?? [], Environment ?? [], WorkingDirectory, Url, Paths);
    }
}
