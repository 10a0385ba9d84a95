using Lookbook.Catalog.Import;
using Lookbook.Cli.Output;

namespace Lookbook.Cli.Tests;

/// <summary>
/// The plain progress line written to logs and pipes. A cluster import whose silos had done nothing 10 s in once
/// crashed the CLI here (time left = remaining / 0).
/// </summary>
public sealed class ImportProgressLineTests
{
    [Fact]
    public void Nothing_done_yet_says_the_time_left_is_not_known()
    {
        var line = ImportView.ProgressLine("Importing", new ImportProgress(0, 3000, 0, 0, 0), TimeSpan.FromSeconds(10));

        Assert.StartsWith("Importing: 0/3,000", line);
        Assert.EndsWith("0/s, time left not known yet", line);
    }

    [Fact]
    public void The_time_left_follows_the_rate_so_far_and_is_not_wrapped_at_a_day()
    {
        Assert.EndsWith("50/s, about 00:00:50 left", ImportView.ProgressLine("Importing", new ImportProgress(500, 3000, 500, 0, 0), TimeSpan.FromSeconds(10)));
        Assert.EndsWith("about 27:46:39 left", ImportView.ProgressLine("Importing", new ImportProgress(10, 1_000_000, 10, 0, 0), TimeSpan.FromSeconds(1)));
        Assert.EndsWith("more than 100 hours left", ImportView.ProgressLine("Importing", new ImportProgress(1, int.MaxValue, 1, 0, 0), TimeSpan.FromDays(300)));
    }

    [Fact]
    public void Without_a_total_only_the_count_and_rate_are_shown()
    {
        Assert.Equal("Reading: 1,200, 120/s", ImportView.ProgressLine("Reading", new ImportProgress(1200, null, 1200, 0, 0), TimeSpan.FromSeconds(10)));
    }
}
