namespace Lookbook.Api.Hosting;

/// <summary>
/// Section <c>Lookbook:Telemetry</c>: where the server's OpenTelemetry metrics and traces go. Off by default: nothing
/// is exported and no scrape endpoint exists until configured.
/// </summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "Lookbook:Telemetry";

    /// <summary>Serve metrics in the Prometheus text format at <see cref="PrometheusPath"/>.</summary>
    public bool Prometheus { get; set; }

    /// <summary>The scrape endpoint's path.</summary>
    public string PrometheusPath { get; set; } = "/metrics";

    /// <summary>An OTLP collector (e.g. http://127.0.0.1:4317) to send metrics and traces to; none: not sent.</summary>
    public string? OtlpEndpoint { get; set; }

    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(PrometheusPath) || !PrometheusPath.StartsWith('/') || PrometheusPath.StartsWith("/api/", StringComparison.OrdinalIgnoreCase))
        {
            yield return $"{SectionName}:PrometheusPath must start with / and lie outside /api/; got '{PrometheusPath}'.";
        }

        if (OtlpEndpoint is not null && !(Uri.TryCreate(OtlpEndpoint, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            yield return $"{SectionName}:OtlpEndpoint must be an http or https URL; got '{OtlpEndpoint}'.";
        }
    }
}
