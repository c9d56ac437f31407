using System.Text.RegularExpressions;

namespace Viaduct.Run.Tests;

public class PrefixedOutputTests
{
    [Fact]
    public void Names_are_padded_to_one_column_before_the_bar() =>
        Assert.Equal("e2-transformer#2 | ", PrefixedOutput.Prefix("e2-transformer#2", 16));

    [Fact]
    public void The_width_fits_the_longest_name_and_the_supervisors_own()
    {
        Assert.Equal("e2-transformer#12".Length, PrefixedOutput.WidthFor(["commcare", "e2-transformer#12"]));
        Assert.Equal(PrefixedOutput.OwnName.Length, PrefixedOutput.WidthFor(["a"]));
    }

    [Fact]
    public void Child_lines_notes_and_alarms_each_come_out_as_one_prefixed_line()
    {
        using var writer = new StringWriter();
        var output = new PrefixedOutput(writer, 11, colour: false);

        output.Line("e1", "started");
        output.Note("all started");
        output.Alarm("e1 ended");

        Assert.Equal("e1          | started\nviaduct-run | all started\nviaduct-run | !!! e1 ended\n", writer.ToString());
    }

    [Fact]
    public void Lines_written_at_once_by_many_processes_never_mix_within_a_line()
    {
        using var writer = new StringWriter();
        var output = new PrefixedOutput(writer, 11, colour: false);
        var text = new string('x', 500);

        Parallel.For(0, 8, writer => { for (var i = 0; i < 200; i++) { output.Line($"w{writer}", $"{i} {text}"); } });

        var lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(1600, lines.Length);
        Assert.All(lines, line => Assert.Matches(new Regex("^w[0-7] {10}\\| [0-9]+ x{500}$"), line));
    }

    [Fact]
    public void In_colour_each_app_keeps_one_colour_for_all_its_replicas_and_the_text_is_left_alone()
    {
        using var writer = new StringWriter();
        var output = new PrefixedOutput(writer, 16, colour: true);

        output.Line("e2-transformer#1", "one");
        output.Line("e2-transformer#2", "two");
        output.Line("e3-enqueuer", "three");

        var lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var colours = lines.Select(line => line[..line.IndexOf('m', StringComparison.Ordinal)]).ToArray();
        Assert.Equal(colours[0], colours[1]);
        Assert.NotEqual(colours[0], colours[2]);
        Assert.EndsWith("\u001b[0mone", lines[0], StringComparison.Ordinal);
    }
}
