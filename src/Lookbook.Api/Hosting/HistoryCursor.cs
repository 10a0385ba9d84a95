using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Lookbook.Catalog.Storage;

namespace Lookbook.Api.Hosting;

/// <summary>
/// The opaque <c>cursor</c> of a history page: where the next page starts (the last event's time and id). Opaque so that
/// clients pass it back rather than build it, and the storage can change what it holds.
/// </summary>
internal static class HistoryCursor
{
    public static string Encode(EventPosition position) =>
        Base64Url.EncodeToString(Encoding.ASCII.GetBytes(
            string.Create(CultureInfo.InvariantCulture, $"{position.At.UtcTicks}.{position.Id}")));

    public static bool TryDecode(string? cursor, out EventPosition position)
    {
        position = default;
        if (string.IsNullOrEmpty(cursor) || cursor.Length > 64 || !Base64Url.IsValid(cursor))
        {
            return false;
        }

        var parts = Encoding.ASCII.GetString(Base64Url.DecodeFromChars(cursor)).Split('.');
        if (parts is not [var ticksText, var idText]
            || !long.TryParse(ticksText, NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            || !long.TryParse(idText, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            || ticks > DateTimeOffset.MaxValue.UtcTicks)
        {
            return false;
        }

        position = new EventPosition(new DateTimeOffset(ticks, TimeSpan.Zero), id);
        return true;
    }
}
