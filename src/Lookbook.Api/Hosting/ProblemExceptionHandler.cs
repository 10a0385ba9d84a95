using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Lookbook.Api.Hosting;

/// <summary>
/// Turns exceptions into RFC 7807 answers, so handlers stay free of try/catch: known ones (<see cref="ExceptionProblems"/>)
/// get their status, title and detail and one log line without a stack trace; a client that hung up gets nothing and a
/// debug line; anything else is a 500 that reveals nothing, logged with its stack trace by the exception handler middleware.
/// </summary>
internal sealed class ProblemExceptionHandler(IProblemDetailsService problemDetails, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var request = httpContext.Request;
        if (ExceptionProblems.IsClientGone(httpContext, exception))
        {
            logger.LogDebug("Client went away during {Method} {Path}", request.Method, request.Path.Value);
            // For the access log: the middleware has already set 500, which nobody will receive.
            httpContext.Response.StatusCode = StatusCodes.Status499ClientClosedRequest;
            // A reset can arrive before Kestrel has noticed the abort; without this it would then try to answer and to
            // drain the broken body, and log that failure as an error.
            httpContext.Abort();
            return true;
        }

        var problem = ExceptionProblems.For(exception);
        if (problem is null)
        {
            problem = ExceptionProblems.Problem(StatusCodes.Status500InternalServerError, "Internal error",
                "The server failed to answer this request; its log has the details.");
        }
        else
        {
            // A conflict or an unavailable catalog needs an operator's hand; other problems are the client's to fix.
            var level = problem.Status is StatusCodes.Status409Conflict or >= 500 ? LogLevel.Warning : LogLevel.Debug;
            logger.Log(level, "{Method} {Path} answered {Status} {Title}: {Detail}", request.Method, request.Path.Value, problem.Status, problem.Title, problem.Detail);
        }

        httpContext.Response.StatusCode = problem.Status!.Value;
        if (!await problemDetails.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem }))
        {
            // The client's Accept header ruled out the problem writer: answer in JSON all the same, as TypedResults.Problem does.
            await TypedResults.Problem(problem).ExecuteAsync(httpContext);
        }

        return true;
    }

    /// <summary>
    /// For <see cref="Microsoft.AspNetCore.Builder.ExceptionHandlerOptions.SuppressDiagnosticsCallback"/>: the middleware's
    /// error log (with the stack trace) is for server faults only; the answers above are logged by this handler.
    /// </summary>
    public static bool SuppressDiagnostics(ExceptionHandlerSuppressDiagnosticsContext context) =>
        context.ExceptionHandledBy == ExceptionHandledType.ExceptionHandlerService
        && (ExceptionProblems.IsClientGone(context.HttpContext, context.Exception) || ExceptionProblems.For(context.Exception) is not null);
}
