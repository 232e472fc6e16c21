using System.Text.Encodings.Web;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Sse.Runtime.AspNetCore;

/// <summary>
/// Writes an RFC 9457 problem-details response: through the application's <see cref="IProblemDetailsService"/>
/// when one is registered (so its customisations apply), otherwise directly, without reflection.
/// </summary>
internal static class SseProblemWriter
{
    public static async Task WriteAsync(HttpContext context, int statusCode, string title, string detail)
    {
        var response = context.Response;
        response.StatusCode = statusCode;

        if (context.RequestServices.GetService(typeof(IProblemDetailsService)) is IProblemDetailsService service)
        {
            var problem = new ProblemDetails { Status = statusCode, Title = title, Detail = detail };
            if (await service.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }).ConfigureAwait(false))
            {
                return;
            }
        }

        response.ContentType = "application/problem+json";
        // Relaxed escaping keeps quotes readable; the body is JSON served as application/problem+json, never HTML.
        var writer = new Utf8JsonWriter(response.BodyWriter, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        await using (writer.ConfigureAwait(false))
        {
            writer.WriteStartObject();
            writer.WriteString("type"u8, TypeFor(statusCode));
            writer.WriteString("title"u8, title);
            writer.WriteNumber("status"u8, statusCode);
            writer.WriteString("detail"u8, detail);
            writer.WriteString("traceId"u8, System.Diagnostics.Activity.Current?.Id ?? context.TraceIdentifier);
            writer.WriteEndObject();
        }

        await response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    // The RFC 9110 section of each status, as ASP.NET Core's own problem details link them.
    private static string TypeFor(int statusCode) => statusCode switch
    {
        StatusCodes.Status400BadRequest => "https://tools.ietf.org/html/rfc9110#section-15.5.1",
        StatusCodes.Status401Unauthorized => "https://tools.ietf.org/html/rfc9110#section-15.5.2",
        StatusCodes.Status403Forbidden => "https://tools.ietf.org/html/rfc9110#section-15.5.4",
        StatusCodes.Status404NotFound => "https://tools.ietf.org/html/rfc9110#section-15.5.5",
        StatusCodes.Status405MethodNotAllowed => "https://tools.ietf.org/html/rfc9110#section-15.5.6",
        StatusCodes.Status406NotAcceptable => "https://tools.ietf.org/html/rfc9110#section-15.5.7",
        StatusCodes.Status409Conflict => "https://tools.ietf.org/html/rfc9110#section-15.5.10",
        StatusCodes.Status413PayloadTooLarge => "https://tools.ietf.org/html/rfc9110#section-15.5.14",
        StatusCodes.Status415UnsupportedMediaType => "https://tools.ietf.org/html/rfc9110#section-15.5.16",
        StatusCodes.Status422UnprocessableEntity => "https://tools.ietf.org/html/rfc9110#section-15.5.21",
        StatusCodes.Status429TooManyRequests => "https://tools.ietf.org/html/rfc6585#section-4",
        StatusCodes.Status503ServiceUnavailable => "https://tools.ietf.org/html/rfc9110#section-15.6.4",
        >= 500 => "https://tools.ietf.org/html/rfc9110#section-15.6.1",
        _ => "about:blank",
    };
}
