using Lookbook.Api.Hosting;

var app = LookbookWebApp.Create(args);
await app.RunAsync();

/// <summary>The entry point, public so tests can host the app with WebApplicationFactory.</summary>
public partial class Program;
