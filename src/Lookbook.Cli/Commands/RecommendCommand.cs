using System.CommandLine;
using System.Globalization;
using Lookbook.Catalog;
using Lookbook.Cli.Output;
using Lookbook.Personalization;
using Spectre.Console;

namespace Lookbook.Cli.Commands;

/// <summary><c>lookbook recommend --user ID</c>: products for a shopper, from their history.</summary>
internal static class RecommendCommand
{
    public static Command Create(GlobalOptions global)
    {
        var user = new Option<string?>("--user") { Description = "The shopper's id (u-...); without it, the cold-start list every new shopper sees." };
        var k = new Option<int>("-k", "--top") { Description = "Number of products (1-100).", DefaultValueFactory = _ => 10 };
        var category = new Option<string[]>("--category") { Description = "Only these categories (repeatable)." };
        var json = new Option<bool>("--json") { Description = "Print the recommendations as JSON." };
        var command = new Command("recommend", "Recommend products to a shopper from their views, likes, carts and purchases.") { user, k, category, json };
        command.SetAction(global, (result, context, _) =>
        {
            var count = result.GetValue(k);
            if (count is < 1 or > 100)
            {
                throw new ArgumentException($"k must be between 1 and 100; got {count}.");
            }

            var preferences = result.GetValue(category) is { Length: > 0 } categories ? new ShopperPreferences(new HashSet<string>(categories, StringComparer.OrdinalIgnoreCase)) : null;
            var userId = result.GetValue(user);
            IReadOnlyList<Recommendation> recommendations;
            try
            {
                recommendations = userId is null
                    ? context.Get<ShopperService>().ColdStart(count, preferences)
                    : context.Get<ShopperService>().Recommend(userId, count, preferences);
            }
            catch (UnknownShopperException e)
            {
                CommandRunner.Fail(context, e.Message);
                return Task.FromResult(ExitCodes.NotFound);
            }

            if (result.GetValue(json))
            {
                Json.Write(context.Out.Profile.Out.Writer, new
                {
                    user = userId,
                    results = recommendations.Select((r, i) => new { rank = i + 1, id = r.Product.Id, r.Product.Title, r.Product.Category, score = Math.Round(r.Score, 4), r.Explanation }),
                });
                return Task.FromResult(ExitCodes.Success);
            }

            var table = new Table().Border(TableBorder.Rounded).AddColumn("#").AddColumn("Product").AddColumn("Title").AddColumn("Category").AddColumn("Why");
            foreach (var (r, i) in recommendations.Select((r, i) => (r, i)))
            {
                table.AddRow((i + 1).ToString(CultureInfo.InvariantCulture), Markup.Escape(r.Product.Id), Markup.Escape(r.Product.Title), Markup.Escape(r.Product.Category), Markup.Escape(r.Explanation));
            }

            context.Out.MarkupLine(userId is null ? "For a new shopper:" : $"For [bold]{Markup.Escape(userId)}[/]:");
            context.Out.Write(table);
            return Task.FromResult(ExitCodes.Success);
        }, requiresCatalog: true);
        return command;
    }
}
