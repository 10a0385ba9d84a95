using System.Text.RegularExpressions;

namespace Lookbook.Catalog.Storage;

/// <summary>
/// Turns what a shopper types into an FTS5 query: its words (runs of letters and digits), each quoted — so nothing
/// typed is read as FTS5 syntax — and matching as a prefix, all required. "black dre" finds "Women Black Dress".
/// </summary>
public static partial class TextQuery
{
    /// <summary>Longest text searched for, in characters.</summary>
    public const int MaxLength = 200;

    /// <summary>Most words a query may have.</summary>
    public const int MaxWords = 16;

    /// <summary>The words of <paramref name="text"/> that are searched for.</summary>
    public static IReadOnlyList<string> Words(string text) => [.. Word().Matches(text).Select(m => m.Value)];

    /// <summary>What is wrong with <paramref name="text"/> as a query (too long, too many words, none at all); null when nothing is.</summary>
    public static string? Problem(string text)
    {
        if (text.Length > MaxLength)
        {
            return $"q is {text.Length} characters long; at most {MaxLength} are searched.";
        }

        var words = Words(text).Count;
        return words switch
        {
            0 => $"q has no word to search for (letters or digits); got '{text}'.",
            > MaxWords => $"q has {words} words; at most {MaxWords} are searched.",
            _ => null,
        };
    }

    /// <summary>The FTS5 query for <paramref name="text"/>.</summary>
    /// <exception cref="ArgumentException">The text has a <see cref="Problem"/>.</exception>
    public static string Match(string text) =>
        Problem(text) is { } problem ? throw new ArgumentException(problem, nameof(text)) : string.Join(' ', Words(text).Select(w => $"\"{w}\"*"));

    /// <summary>The words of <paramref name="text"/> as prefix terms joined by <paramref name="separator"/> (PostgreSQL's tsquery: "black:* &amp; dre:*").</summary>
    /// <exception cref="ArgumentException">The text has a <see cref="Problem"/>.</exception>
    public static string PrefixTerms(string text, string separator, string prefixMark) =>
        Problem(text) is { } problem ? throw new ArgumentException(problem, nameof(text)) : string.Join(separator, Words(text).Select(w => w + prefixMark));

    [GeneratedRegex(@"[\p{L}\p{M}\p{N}]+")]
    private static partial Regex Word();
}
