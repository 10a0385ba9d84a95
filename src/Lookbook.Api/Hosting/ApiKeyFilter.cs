using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Lookbook.Api.Hosting;

/// <summary>Guards endpoints that change the catalog: they need the configured key in the X-Api-Key header.</summary>
internal sealed class ApiKeyFilter(IOptions<ApiOptions> options) : IEndpointFilter
{
    public const string HeaderName = "X-Api-Key";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var configured = options.Value.ApiKey;
        if (string.IsNullOrEmpty(configured))
        {
            return Problems.Create(StatusCodes.Status403Forbidden, "Changes are disabled",
                "This server has no API key configured (Lookbook:Api:ApiKey), so it accepts no changes to the catalog.");
        }

        var given = context.HttpContext.Request.Headers[HeaderName].ToString();
        // Constant-time comparison: response timing must not reveal how much of the key was right.
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(configured)))
        {
            return Problems.Create(StatusCodes.Status401Unauthorized, "API key required",
                $"Send the catalog's API key in the {HeaderName} header.");
        }

        return await next(context);
    }
}
