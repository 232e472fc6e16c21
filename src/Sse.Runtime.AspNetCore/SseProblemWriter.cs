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

    private static string TypeFor(int statusCode) => statusCode switch
    {
        StatusCodes.Status400BadRequest => "https://tools.ietf.org/html/rfc9110#section-15.5.1",
        _ => "https://tools.ietf.org/html/rfc9110#section-15.6.1",
    };
}
