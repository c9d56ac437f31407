using System.Text;

namespace Viaduct.Run;

/// <summary>
/// Every child's lines, and the supervisor's own, on one output: each line whole, behind its writer's name padded
/// to one column, so that lines of different processes never mix within a line.
/// </summary>
internal sealed class PrefixedOutput(TextWriter output, int nameWidth, bool colour)
{
    /// <summary>The name the supervisor's own lines carry.</summary>
    public const string OwnName = "viaduct-run";

    private const string Reset = "\u001b[0m";
    private const string Red = "\u001b[1;31m";

    // Bright colours that read on dark and light terminals alike; red is kept for the supervisor's alarms.
    private static readonly string[] Palette = ["\u001b[36m", "\u001b[32m", "\u001b[33m", "\u001b[35m", "\u001b[34m", "\u001b[96m", "\u001b[92m", "\u001b[93m", "\u001b[95m", "\u001b[94m"];

    private readonly Lock gate = new();
    private readonly Dictionary<string, string> colours = [];

    /// <summary>The prefix of <paramref name="name"/>'s lines: the name padded to <paramref name="width"/>, then <c>" | "</c>.</summary>
    public static string Prefix(string name, int width)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.PadRight(width) + " | ";
    }

    /// <summary>The column width that fits every name and the supervisor's own.</summary>
    public static int WidthFor(IEnumerable<string> names) => names.Append(OwnName).Max(name => name.Length);

    /// <summary>True when standard output is a terminal and <c>NO_COLOR</c> is not set.</summary>
    public static bool ColourWanted() =>
        !Console.IsOutputRedirected && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));

    /// <summary>Writes one line of <paramref name="name"/>'s output.</summary>
    public void Line(string name, string text) => Write(name, text, alarm: false);

    /// <summary>The supervisor says something.</summary>
    public void Note(string text) => Write(OwnName, text, alarm: false);

    /// <summary>The supervisor says something that must not be missed: a process ended on its own, one had to be killed.</summary>
    public void Alarm(string text) => Write(OwnName, "!!! " + text, alarm: true);

    private void Write(string name, string text, bool alarm)
    {
        var line = new StringBuilder(nameWidth + text.Length + 16);
        lock (gate)
        {
            if (colour)
            {
                line.Append(alarm ? Red : ColourOf(name)).Append(Prefix(name, nameWidth)).Append(Reset);
                line.Append(alarm ? Red + text + Reset : text);
            }
            else
            {
                line.Append(Prefix(name, nameWidth)).Append(text);
            }

            line.Append('\n');
            try
            {
                output.Write(line.ToString());
                output.Flush();
            }
            catch (IOException)
            {
                // The terminal or pipe went away (closed window, `| head`): the processes still have to be stopped.
            }
        }
    }

    private string ColourOf(string name)
    {
        if (name == OwnName)
        {
            return "\u001b[1m";
        }

        // Replicas of one app share its colour.
        var app = name.Split('#')[0];
        if (!colours.TryGetValue(app, out var code))
        {
            code = Palette[colours.Count % Palette.Length];
            colours[app] = code;
        }

        return code;
    }
}
