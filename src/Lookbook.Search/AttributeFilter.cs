namespace Lookbook.Search;

/// <summary>
/// The one syntax of an attribute filter, for the CLI's <c>--attr</c> and the API's <c>attr=</c> alike: <c>key:value</c>
/// (e.g. <c>baseColour:Black</c>). <c>key=value</c> is read the same, so older scripts keep working. The key ends at the
/// first ':' or '='; the value may contain either.
/// </summary>
public static class AttributeFilter
{
    public const string Example = "baseColour:Black";

    /// <summary>The key and value of <paramref name="filter"/>, or null when it has no key or no separator.</summary>
    public static KeyValuePair<string, string>? TryParse(string filter)
    {
        var at = filter.IndexOfAny([':', '=']);
        return at > 0 ? new(filter[..at].Trim(), filter[(at + 1)..].Trim()) : null;
    }

    /// <summary>Why <paramref name="filter"/> is not a filter, for a message that names the option.</summary>
    public static string Problem(string option, string filter) => $"{option} must look like key:value (e.g. {Example}); got '{filter}'.";
}
