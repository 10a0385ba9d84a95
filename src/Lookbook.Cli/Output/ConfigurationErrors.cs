using System.Text.Json;
using System.Text.RegularExpressions;

namespace Lookbook.Cli.Output;

/// <summary>
/// The configuration library's own failures (a settings file that is not JSON, a value of the wrong type) as one line that
/// says where and what is allowed: its messages stop at "Could not parse the JSON file." and "Failed to convert … to type
/// X", which leave a user to guess the line and the values.
/// </summary>
internal static partial class ConfigurationErrors
{
    /// <summary>A settings file that could not be read as JSON, with the line and column the parser stopped at.</summary>
    public static string NotJson(InvalidDataException error, FormatException broken)
    {
        var where = broken.InnerException is JsonException { LineNumber: { } line, BytePositionInLine: { } column } json
            ? $" {TextBeforeLocation(json.Message)} (line {line + 1}, column {column + 1})."
            : "";
        return $"{error.Message} {broken.Message}{where}";
    }

    /// <summary>
    /// Whether <paramref name="error"/> is the binder's "Failed to convert configuration value" and, if so, that message with
    /// what the setting takes (an enumeration's names, a number, true or false, a duration).
    /// </summary>
    public static bool TryDescribeConversion(InvalidOperationException error, out string message)
    {
        var match = ConversionFailure().Match(error.Message);
        if (!match.Success)
        {
            message = "";
            return false;
        }

        var type = AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetType(match.Groups["type"].Value)).FirstOrDefault(t => t is not null);
        var allowed = Expected(type is null ? null : Nullable.GetUnderlyingType(type) ?? type);
        message = $"The configuration is invalid: {match.Groups["key"].Value} cannot be '{match.Groups["value"].Value}'.{allowed}";
        return true;
    }

    private static string Expected(Type? type) => type switch
    {
        { IsEnum: true } => $" It takes one of: {string.Join(", ", Enum.GetNames(type))}.",
        _ when type == typeof(int) || type == typeof(long) => " It takes a whole number.",
        _ when type == typeof(double) || type == typeof(float) => " It takes a number.",
        _ when type == typeof(bool) => " It takes true or false.",
        _ when type == typeof(TimeSpan) => " It takes a duration such as 00:00:30.",
        _ => "",
    };

    private static string TextBeforeLocation(string message) =>
        message.IndexOf(" LineNumber:", StringComparison.Ordinal) is var at and >= 0 ? message[..at].TrimEnd('.') : message;

    [GeneratedRegex("^Failed to convert configuration value '(?<value>.*)' at '(?<key>[^']+)' to type '(?<type>[^']+)'")]
    private static partial Regex ConversionFailure();
}
