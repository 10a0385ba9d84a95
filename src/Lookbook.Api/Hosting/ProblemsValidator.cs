using Microsoft.Extensions.Options;

namespace Lookbook.Api.Hosting;

/// <summary>Reports every problem of an options object at once, each naming its configuration key.</summary>
internal sealed class ProblemsValidator<T>(Func<T, IEnumerable<string>> problemsOf) : IValidateOptions<T>
    where T : class
{
    public ValidateOptionsResult Validate(string? name, T options)
    {
        var problems = problemsOf(options).ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
