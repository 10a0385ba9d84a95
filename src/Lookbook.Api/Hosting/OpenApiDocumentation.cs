using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.OpenApi;

namespace Lookbook.Api.Hosting;

/// <summary>
/// The OpenAPI document (/openapi/v1.json): what each endpoint answers, and how a caller proves who it is. Handlers
/// declare the answers only they decide (<c>ProducesProblem(404)</c> for an unknown product); the answers the pipeline
/// gives on any endpoint are added here from the endpoint's metadata, so they cannot drift from what the server does:
/// 400 when a parameter or body does not bind, 403 from <see cref="CrossSiteGuard"/> on changes, 401/403 from
/// <see cref="ApiKeyFilter"/>, 401 without a shopper token where one is needed, 429 + Retry-After from
/// <see cref="RateLimits"/>, 408/413/415 from Kestrel and the body readers on endpoints that take a body.
/// </summary>
internal static class OpenApiDocumentation
{
    public const string ApiKeyScheme = "ApiKey";
    public const string ShopperTokenScheme = "ShopperToken";
    public const string ShopperCookieScheme = "ShopperCookie";
    private const string ProblemJson = "application/problem+json";

    public static IServiceCollection AddLookbookOpenApi(this IServiceCollection services) => services.AddOpenApi(options =>
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Lookbook API";
            document.Info.Description = "Visual fashion search: find catalog products that look like a photo, and recommend products from a shopper's history.";
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
            {
                [ApiKeyScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = ApiKeyFilter.HeaderName,
                    Description = "The catalog's API key (Lookbook:Api:ApiKey); needed to change the catalog. Without a configured key changes are refused (403).",
                },
                [ShopperTokenScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = ShopperIdentity.HeaderName,
                    Description = "A shopper's token, as POST /api/profile returned it.",
                },
                [ShopperCookieScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Cookie, Name = ShopperIdentity.CookieName,
                    Description = "The same token as a cookie: POST /api/profile sets it, and the web page sends it.",
                },
            };
            return Task.CompletedTask;
        });
        options.AddOperationTransformer(DescribePipelineAnswersAsync);
    });

    /// <summary>The endpoint needs the X-Api-Key header: the filter that checks it, and the documentation that says so.</summary>
    public static TBuilder RequireApiKey<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.AddEndpointFilter<TBuilder, ApiKeyFilter>();
        builder.WithMetadata(new ApiKeyRequired());
        return builder;
    }

    /// <summary>The endpoint reads the shopper's token; <paramref name="required"/>: without one it answers 401.</summary>
    public static TBuilder UsesShopperToken<TBuilder>(this TBuilder builder, bool required = true) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ShopperTokenUse(required));

    /// <summary>A problem (RFC 7807) this endpoint's handler answers, with when it does.</summary>
    public static RouteHandlerBuilder Answers(this RouteHandlerBuilder builder, int status, string description) =>
        builder.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(ProblemDetails), [ProblemJson]) { Description = description });

    /// <summary>The endpoint answers with image bytes in one of these content types.</summary>
    public static RouteHandlerBuilder ProducesImage(this RouteHandlerBuilder builder, params string[] contentTypes) =>
        builder.WithMetadata(new ImageAnswer(contentTypes));

    private static async Task DescribePipelineAnswersAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var method = context.Description.HttpMethod ?? "GET";
        var problem = await ProblemSchemaAsync(context, cancellationToken);
        operation.Responses ??= new OpenApiResponses();

        void Answer(int status, string description, bool retryAfter = false)
        {
            var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (!operation.Responses.TryGetValue(key, out var existing) || existing is not OpenApiResponse response)
            {
                response = new OpenApiResponse { Content = new Dictionary<string, OpenApiMediaType> { [ProblemJson] = new() { Schema = problem } } };
                operation.Responses[key] = response;
            }

            // A description the generator filled with the bare reason phrase gives way to one that says when.
            if (string.IsNullOrEmpty(response.Description) || response.Description == Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status))
            {
                response.Description = description;
            }
            else if (!response.Description.Contains(description, StringComparison.Ordinal))
            {
                response.Description += "; or " + char.ToLowerInvariant(description[0]) + description[1..];
            }

            if (retryAfter)
            {
                response.Headers ??= new Dictionary<string, IOpenApiHeader>();
                response.Headers["Retry-After"] = new OpenApiHeader
                {
                    Description = "Seconds to wait before sending the request again.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" },
                };
            }
        }

        // The generator takes the status and type of a handler's declared answer but not its description.
        foreach (var declared in metadata.OfType<ProducesResponseTypeMetadata>().Where(m => m.Description is not null))
        {
            Answer(declared.StatusCode, declared.Description!);
        }

        var takesBody = operation.RequestBody is not null;
        // A path segment is any string; a query parameter can be malformed (k=abc, k=1&k=2) or out of range.
        if (takesBody || operation.Parameters?.Any(p => p.In != ParameterLocation.Path) == true)
        {
            Answer(StatusCodes.Status400BadRequest, "A parameter or the body is malformed or out of range: the problem names it");
        }

        if (takesBody)
        {
            Answer(StatusCodes.Status408RequestTimeout, "The body arrived too slowly (Kestrel:Limits:MinRequestBodyDataRate)");
            Answer(StatusCodes.Status413PayloadTooLarge, "The body is larger than the server accepts");
            Answer(StatusCodes.Status415UnsupportedMediaType, "The body's content type is not one this endpoint reads");
        }

        if (!HttpMethods.IsGet(method) && !HttpMethods.IsHead(method))
        {
            Answer(StatusCodes.Status403Forbidden, "A browser sent the request from another site (cross-site requests may not change anything)");
        }

        if (metadata.OfType<ApiKeyRequired>().Any())
        {
            Answer(StatusCodes.Status401Unauthorized, "The X-Api-Key header is missing or wrong");
            Answer(StatusCodes.Status403Forbidden, "The server has no API key configured, so it accepts no changes");
            operation.Security = [Requirement(context.Document, ApiKeyScheme)];
        }

        if (metadata.OfType<ShopperTokenUse>().LastOrDefault() is { } shopper)
        {
            operation.Security = [Requirement(context.Document, ShopperTokenScheme), Requirement(context.Document, ShopperCookieScheme)];
            if (shopper.Required)
            {
                Answer(StatusCodes.Status401Unauthorized, "No shopper token, or one this server does not know: create a profile with POST /api/profile");
            }
            else
            {
                operation.Security.Add(new OpenApiSecurityRequirement()); // anonymous callers are served too
            }
        }

        if (metadata.OfType<EnableRateLimitingAttribute>().Any())
        {
            Answer(StatusCodes.Status429TooManyRequests, "Too many requests of this kind from this client in a minute (Lookbook:Api:*PerMinute)", retryAfter: true);
        }

        if (operation.Responses.TryGetValue("503", out var busy) && busy is OpenApiResponse unavailable && metadata.OfType<RetryAfterOn503>().Any())
        {
            unavailable.Headers ??= new Dictionary<string, IOpenApiHeader>();
            unavailable.Headers["Retry-After"] = new OpenApiHeader
            {
                Description = "Seconds to wait before sending the request again (when the server is busy).",
                Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" },
            };
        }

        if (metadata.OfType<ImageAnswer>().LastOrDefault() is { } image)
        {
            var binary = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" };
            var ok = new OpenApiResponse
            {
                Description = "The image bytes (ETag set: send it back in If-None-Match to get 304 when unchanged)",
                Content = image.ContentTypes.ToDictionary(type => type, _ => new OpenApiMediaType { Schema = binary }),
            };
            operation.Responses["200"] = ok;
            operation.Responses["304"] = new OpenApiResponse { Description = "Not modified: the If-None-Match ETag is still the image's" };
        }
    }

    private static OpenApiSecurityRequirement Requirement(OpenApiDocument? document, string scheme) =>
        new() { [new OpenApiSecuritySchemeReference(scheme, document)] = [] };

    /// <summary>The shared ProblemDetails component (created once if no endpoint declared one yet).</summary>
    private static async Task<IOpenApiSchema> ProblemSchemaAsync(OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        const string Name = nameof(ProblemDetails);
        var document = context.Document!;
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        if (!document.Components.Schemas.ContainsKey(Name))
        {
            document.Components.Schemas[Name] = await context.GetOrCreateSchemaAsync(typeof(ProblemDetails), null, cancellationToken);
        }

        return new OpenApiSchemaReference(Name, document);
    }

    private sealed record ApiKeyRequired;

    private sealed record ShopperTokenUse(bool Required);

    private sealed record ImageAnswer(IReadOnlyList<string> ContentTypes);

    /// <summary>Marks an endpoint whose 503 (server busy) carries Retry-After.</summary>
    internal sealed record RetryAfterOn503;
}
