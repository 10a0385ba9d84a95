using Lookbook.Personalization;

namespace Lookbook.Api.Hosting;

/// <summary>
/// Who the shopper is: only the secret token (the <c>lookbook_shopper</c> cookie, or the X-Shopper-Token
/// header for API clients) identifies them, so nobody can name another shopper to read or change their history.
/// </summary>
internal static class ShopperIdentity
{
    public const string CookieName = "lookbook_shopper";
    public const string HeaderName = "X-Shopper-Token";

    public static string? CurrentShopper(this HttpContext context, ShopperService shoppers) => shoppers.Authenticate(context.ShopperToken());

    /// <summary>The token the request carries (header first, then cookie); null when none.</summary>
    public static string? ShopperToken(this HttpContext context)
    {
        var token = context.Request.Headers[HeaderName].ToString();
        return string.IsNullOrEmpty(token) ? context.Request.Cookies[CookieName] : token;
    }

    public static void IssueCookie(this HttpContext context, string token) =>
        context.Response.Cookies.Append(CookieName, token, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            Path = "/",
            MaxAge = TimeSpan.FromDays(365),
        });
}
