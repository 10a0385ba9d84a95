using System.Globalization;
using Lookbook.Search;
using Lookbook.Vision.Images;

namespace Lookbook.Api.Hosting;

/// <summary>Turns query-string search parameters into a request, collecting every problem for a 400 answer.</summary>
internal static class SearchParameters
{
    public static (SearchRequest? Request, NormalizedRect? Crop, Dictionary<string, string[]> Errors) Parse(
        int? k, string? category, string[]? attributes, string? crop = null, int? item = null)
    {
        var errors = new Dictionary<string, string[]>();
        var count = k ?? 10;
        if (count is < 1 or > 100)
        {
            errors["k"] = [$"k must be between 1 and 100; got {count}."];
        }

        Dictionary<string, string>? filters = null;
        foreach (var attribute in attributes ?? [])
        {
            if (AttributeFilter.TryParse(attribute) is not { } pair)
            {
                errors["attr"] = [AttributeFilter.Problem("attr", attribute)];
                continue;
            }

            filters ??= new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            filters[pair.Key] = pair.Value;
        }

        NormalizedRect? region = null;
        if (!string.IsNullOrWhiteSpace(crop))
        {
            var parts = crop.Split(',');
            var values = parts.Select(p => float.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : float.NaN).ToArray();
            if (values.Length != 4 || values.Any(float.IsNaN))
            {
                errors["crop"] = ["crop must be four numbers x,y,width,height as fractions of the photo (e.g. 0.1,0.2,0.5,0.6)."];
            }
            else
            {
                region = new NormalizedRect(values[0], values[1], values[2], values[3]);
                try
                {
                    region.Value.Validate();
                }
                catch (ArgumentException e)
                {
                    errors["crop"] = [e.Message];
                }
            }
        }

        if (item is < 0)
        {
            errors["item"] = [$"item must be 0 or more (an index into the items of a previous answer); got {item}."];
        }
        else if (item is not null && region is not null)
        {
            errors["item"] = ["item and crop cannot be combined: the crop already says what to search."];
        }

        var request = new SearchRequest(count, string.IsNullOrWhiteSpace(category) ? null : category, filters, item);
        return errors.Count == 0 ? (request, region, errors) : (null, null, errors);
    }
}
