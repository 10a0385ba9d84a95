using System.Globalization;
using Dapper;
using System.Data.Common;

namespace Lookbook.Catalog.Storage;

/// <summary>A shopper's event as stored.</summary>
public sealed record StoredEvent(long Id, string ProductId, string Kind, DateTimeOffset At)
{
    public EventPosition Position => new(At, Id);
}

/// <summary>Where an event stands in a history: its time, then its id for events at the same instant.</summary>
public readonly record struct EventPosition(DateTimeOffset At, long Id);

/// <summary>Shoppers, their preferences and their events.</summary>
public sealed partial class CatalogDatabase
{
    public void CreateUser(string userId, string tokenHash)
    {
        using var connection = Connect();
        connection.Execute("INSERT INTO users(id, token_hash, created_at) VALUES (@userId, @tokenHash, @now)",
            new { userId, tokenHash, now = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture) });
    }

    /// <summary>The user holding the token with this hash, or null.</summary>
    public string? FindUserByTokenHash(string tokenHash)
    {
        using var connection = Connect();
        return connection.QuerySingleOrDefault<string>("SELECT id FROM users WHERE token_hash = @tokenHash", new { tokenHash });
    }

    public bool UserExists(string userId)
    {
        using var connection = Connect();
        return connection.ExecuteScalar<long>("SELECT COUNT(*) FROM users WHERE id = @userId", new { userId }) > 0;
    }

    /// <param name="replaces">Kinds of this shopper's earlier events on the product that this one takes back (a like takes back "not for me").</param>
    public void AddEvent(string userId, string productId, string kind, DateTimeOffset at, IReadOnlyCollection<string>? replaces = null)
    {
        using var connection = Connect();
        using var transaction = connection.BeginTransaction();
        if (replaces is { Count: > 0 })
        {
            Remove(connection, transaction, userId, productId, replaces);
        }

        connection.Execute("INSERT INTO events(user_id, product_id, kind, at) VALUES (@userId, @productId, @kind, @at)",
            new { userId, productId, kind, at = Stamp(at) }, transaction);
        connection.Execute(
            $"""
            INSERT INTO popularity(product_id, score) VALUES (@productId, {PopularityScore})
            ON CONFLICT(product_id) DO UPDATE SET score = popularity.score + excluded.score
            """,
            new { productId, kind },
            transaction);
        transaction.Commit();
    }

    // What one event adds to a product's popularity; the same weights as the recommender's (purchase > cart > like > view).
    private static readonly string PopularityScore = PopularityScoreOf("@kind");

    /// <summary>The SQL for what an event of kind <paramref name="kind"/> (a column or a parameter) adds to popularity.</summary>
    private static string PopularityScoreOf(string kind) => $"CASE {kind} WHEN 'purchase' THEN 4 WHEN 'cart' THEN 3 WHEN 'like' THEN 2 WHEN 'view' THEN 1 ELSE 0 END";

    /// <summary>Takes back the shopper's events of these kinds on the product (an un-like); returns how many went.</summary>
    public int RemoveEvents(string userId, string productId, IReadOnlyCollection<string> kinds)
    {
        using var connection = Connect();
        using var transaction = connection.BeginTransaction();
        var removed = Remove(connection, transaction, userId, productId, kinds);
        transaction.Commit();
        return removed;
    }

    private int Remove(DbConnection connection, DbTransaction transaction, string userId, string productId, IReadOnlyCollection<string> kinds)
    {
        // Popularity forgets what is taken back, as it does when a history is cleared.
        connection.Execute(
            $"""
            UPDATE popularity SET score = score - (
                SELECT COALESCE(SUM({PopularityScoreOf("kind")}), 0)
                FROM events WHERE user_id = @userId AND product_id = @productId AND {_dialect.In("kind", "@kinds")})
            WHERE product_id = @productId
            """,
            new { userId, productId, kinds = kinds.ToArray() },
            transaction);
        return connection.Execute($"DELETE FROM events WHERE user_id = @userId AND product_id = @productId AND {_dialect.In("kind", "@kinds")}",
            new { userId, productId, kinds = kinds.ToArray() }, transaction);
    }

    /// <summary>The products of the shopper's latest <paramref name="window"/> events, by kind (what the page marks as liked, in the cart…).</summary>
    public IReadOnlyList<(string ProductId, string Kind)> GetReactions(string userId, IReadOnlyCollection<string> kinds, int window)
    {
        using var connection = Connect();
        return connection.Query<(string ProductId, string Kind)>(
            $"""
            SELECT DISTINCT product_id, kind FROM (
                SELECT product_id, kind FROM events WHERE user_id = @userId AND {_dialect.In("kind", "@kinds")} ORDER BY at DESC, id DESC LIMIT @window) AS recent
            """,
            new { userId, kinds = kinds.ToArray(), window }).ToList();
    }

    /// <summary>A user's events, oldest first.</summary>
    public IReadOnlyList<StoredEvent> GetEvents(string userId)
    {
        using var connection = Connect();
        return connection.Query<(long Id, string ProductId, string Kind, string At)>(
                "SELECT id, product_id, kind, at FROM events WHERE user_id = @userId ORDER BY at, id", new { userId })
            .Select(r => new StoredEvent(r.Id, r.ProductId, r.Kind, DateTimeOffset.Parse(r.At, CultureInfo.InvariantCulture)))
            .ToList();
    }

    /// <summary>
    /// Up to <paramref name="limit"/> of a user's events, newest first, strictly older than <paramref name="before"/>
    /// (keyset paging: a page costs the same however deep it is, and events recorded meanwhile do not shift it).
    /// </summary>
    public IReadOnlyList<StoredEvent> GetEventsNewestFirst(string userId, int limit, EventPosition? before = null)
    {
        using var connection = Connect();
        var at = before is { } position ? Stamp(position.At) : null;
        return connection.Query<(long Id, string ProductId, string Kind, string At)>(
                """
                SELECT id, product_id, kind, at FROM events
                WHERE user_id = @userId AND (@at IS NULL OR at < @at OR (at = @at AND id < @id))
                ORDER BY at DESC, id DESC LIMIT @limit
                """,
                new { userId, at, id = before?.Id ?? 0, limit })
            .Select(r => new StoredEvent(r.Id, r.ProductId, r.Kind, DateTimeOffset.Parse(r.At, CultureInfo.InvariantCulture)))
            .ToList();
    }

    /// <summary>True when the user has at least one event.</summary>
    public bool HasEvents(string userId)
    {
        using var connection = Connect();
        return connection.ExecuteScalar<long>("SELECT EXISTS(SELECT 1 FROM events WHERE user_id = @userId)", new { userId }) == 1;
    }

    // The one text form of an event's time: ISO 8601 in UTC, which sorts as text in time order.
    private static string Stamp(DateTimeOffset at) => at.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    /// <summary>Deletes every event of the user (really: the rows are gone); returns how many.</summary>
    public int ClearEvents(string userId)
    {
        using var connection = Connect();
        using var transaction = connection.BeginTransaction();
        // Everyone's popularity forgets what this shopper did.
        connection.Execute(
            $"""
            UPDATE popularity SET score = score - (
                SELECT SUM({PopularityScoreOf("kind")})
                FROM events WHERE user_id = @userId AND events.product_id = popularity.product_id)
            WHERE product_id IN (SELECT product_id FROM events WHERE user_id = @userId)
            """,
            new { userId },
            transaction);
        var deleted = connection.Execute("DELETE FROM events WHERE user_id = @userId", new { userId }, transaction);
        transaction.Commit();
        return deleted;
    }

    /// <summary>The shopper's preferences as the JSON the service stored, or null.</summary>
    public string? GetPreferencesJson(string userId)
    {
        using var connection = Connect();
        return connection.QuerySingleOrDefault<string>("SELECT preferences FROM users WHERE id = @userId", new { userId });
    }

    public void SetPreferencesJson(string userId, string json)
    {
        using var connection = Connect();
        connection.Execute("UPDATE users SET preferences = @json WHERE id = @userId", new { userId, json });
    }

    /// <summary>How often each product was engaged with across all shoppers: purchases 4, carts 3, likes 2, views 1.</summary>
    public IReadOnlyDictionary<string, int> Popularity()
    {
        using var connection = Connect();
        // Kept up to date by each event (see AddEvent), so this reads one row per engaged product, not every event.
        return connection.Query<(string ProductId, long Score)>("SELECT product_id, score FROM popularity WHERE score > 0")
            .ToDictionary(r => r.ProductId, r => (int)r.Score, StringComparer.Ordinal);
    }
}
