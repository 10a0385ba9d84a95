using System.CommandLine;
using Lookbook.Cli.Output;
using Lookbook.Search;

namespace Lookbook.Cli.Commands;

/// <summary>The result options shared by <c>search</c> and <c>similar</c>.</summary>
internal sealed class SearchFilterOptions
{
    public Option<int> K { get; } = new("-k", "--top")
    {
        Description = "Number of products to return (1-1000).",
        DefaultValueFactory = _ => 10,
    };

    public Option<string?> Category { get; } = new("--category") { Description = "Only products of this category." };

    public Option<string[]> Attributes { get; } = new("--attr")
    {
        Description = $"Only products with this attribute value, as key:value like the API's attr= (repeatable), e.g. --attr {AttributeFilter.Example}.",
    };

    public Option<bool> Json { get; } = new("--json") { Description = "Print the results as JSON." };

    public void AddTo(Command command)
    {
        command.Options.Add(K);
        command.Options.Add(Category);
        command.Options.Add(Attributes);
        command.Options.Add(Json);
    }

    public SearchRequest ToRequest(ParseResult result)
    {
        var attributes = result.GetValue(Attributes) is { Length: > 0 } pairs
            ? pairs.Select(Split).ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase)
            : null;
        var request = new SearchRequest(result.GetValue(K), result.GetValue(Category), attributes);
        request.Validate();
        return request;
    }

    private static KeyValuePair<string, string> Split(string pair) =>
        AttributeFilter.TryParse(pair) ?? throw new ArgumentException(AttributeFilter.Problem("--attr", pair));
}
