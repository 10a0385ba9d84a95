using System.Globalization;
using System.Text.Json;
using Lookbook.Cli.Output;
using Spectre.Console;

namespace Lookbook.Bench;

/// <summary>The measured figures, printed as a table and saved as JSON for later comparisons.</summary>
internal sealed class BenchReport(string machine, int inputSize)
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public string Machine { get; } = machine;

    public int InputSize { get; } = inputSize;

    public DateTimeOffset Date { get; } = DateTimeOffset.UtcNow;

    public List<BenchRow> Rows { get; } = [];

    public void Add(string group, string name, double value, string unit, string? note = null)
    {
        var row = new BenchRow(group, name, Math.Round(value, 3), unit, note);
        Rows.Add(row);
        AnsiConsole.MarkupLine($"[grey]{Markup.Escape(group)}[/] {Markup.Escape(name)}: [bold]{Format(row.Value)}[/] {Markup.Escape(unit)} [grey]{Markup.Escape(note ?? "")}[/]");
    }

    public void Print()
    {
        var table = new Table().Border(TableBorder.Rounded).Title($"Lookbook benchmark — {Markup.Escape(Machine)}, input {InputSize} px")
            .AddColumn("Group").AddColumn("Measure").AddColumn(new TableColumn("Value").RightAligned()).AddColumn("Unit").AddColumn("Note");
        foreach (var row in Rows)
        {
            table.AddRow(Markup.Escape(row.Group), Markup.Escape(row.Name), Format(row.Value), Markup.Escape(row.Unit), Markup.Escape(row.Note ?? ""));
        }

        AnsiConsole.Write(table);
    }

    public void Save(string path)
    {
        File.WriteAllText(path, JsonSerializer.Serialize(this, JsonOptions));
        AnsiConsole.MarkupLine($"Saved [bold]{Markup.Escape(path)}[/]");
    }

    private static string Format(double value) => value.ToString(value >= 100 ? "N0" : "0.###", CultureInfo.InvariantCulture);
}

internal sealed record BenchRow(string Group, string Name, double Value, string Unit, string? Note);
