using System.CommandLine;
using Lookbook.Catalog.Storage;
using Lookbook.Cli.Output;
using Microsoft.Extensions.Options;
using Spectre.Console;

namespace Lookbook.Cli.Commands;

/// <summary><c>lookbook migrate --to postgres</c>: copies a SQLite catalog into the PostgreSQL database a cluster shares.</summary>
internal static class MigrateCommand
{
    public static Command Create(GlobalOptions global)
    {
        var to = new Option<StorageProvider>("--to") { Description = "The store to copy the catalog into: postgres.", Required = true };
        var connection = new Option<string>("--connection")
        {
            Description = "Npgsql connection string of an empty database, e.g. \"Host=127.0.0.1;Port=5432;Database=lookbook;Username=lookbook\".",
            Required = true,
        };
        var command = new Command("migrate", "Copy the catalog (--db) into PostgreSQL: products, images, vectors, shoppers and their events; counts and vectors checked.")
        {
            to, connection,
        };
        command.SetAction(global, (result, context, cancellationToken) =>
        {
            if (result.GetValue(to) != StorageProvider.Postgres)
            {
                throw new ArgumentException("--to: only postgres is a target; the catalog to copy is the SQLite file of --db.");
            }

            var storage = context.Get<IOptions<StorageOptions>>().Value;
            if (storage.Provider != StorageProvider.Sqlite)
            {
                throw new ArgumentException("The catalog to copy must be a SQLite file (--db); Lookbook:Storage:Provider is Postgres here.");
            }

            var source = context.Get<CatalogDatabase>();
            using var target = CatalogDatabase.OpenPostgres(result.GetValue(connection)!, source.Path);
            context.Out.MarkupLine($"Copying [bold]{Markup.Escape(source.Location)}[/] into [bold]{Markup.Escape(target.Location)}[/] …");
            var report = CatalogCopier.Copy(source, target, StatusLines.For(context, quiet: false), cancellationToken);
            context.Out.MarkupLine($"Copied and checked {report.Products:N0} products, {report.Vectors:N0} vectors (bit for bit), {report.Users:N0} shoppers and {report.Events:N0} events in {report.Elapsed.TotalSeconds:F1} s.");
            context.Out.MarkupLine("Use it with [bold]Lookbook:Storage:Provider[/] = Postgres and [bold]Lookbook:Storage:ConnectionString[/] (the head and calibration files beside the SQLite file are used as they are).");
            return Task.FromResult(ExitCodes.Success);
        }, requiresCatalog: true);
        return command;
    }
}
