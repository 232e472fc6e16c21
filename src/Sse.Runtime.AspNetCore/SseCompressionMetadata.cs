using System;
using System.IO;
using System.IO.Compression;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Sse.Runtime.AspNetCore;

/// <summary>
/// Endpoint metadata that compresses the streams it is on (<see cref="SseCompressionConventionBuilderExtensions.WithSseCompression{TBuilder}"/>):
/// with gzip or Brotli, whichever the client accepts (gzip first: flushed after every small event, it keeps its history
/// and saves about 60% of a small JSON feed's bytes at its fastest level, Brotli about 55% at its optimal quality; see
/// the compression benchmark),
/// flushed with every burst of events, so each event is decodable by the client when it arrives, never held for a
/// compressor's block.
/// </summary>
public sealed class SseCompressionMetadata
{
    /// <summary>Creates the metadata.</summary>
    /// <param name="level">How hard to compress: <see cref="CompressionLevel.Fastest"/> suits a stream's small flushes.</param>
    public SseCompressionMetadata(CompressionLevel level = CompressionLevel.Fastest)
    {
        if (level == CompressionLevel.NoCompression)
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, "To not compress, leave WithSseCompression out.");
        }

        Level = level;
    }

    /// <summary>Gets the compression level.</summary>
    public CompressionLevel Level { get; }

    /// <summary>The encoding to use for a request (<c>br</c>, <c>gzip</c>), or <see langword="null"/> when it accepts neither.</summary>
    internal static string? Choose(HttpRequest request)
    {
        var brotli = -1d;
        var gzip = -1d;
        if (StringWithQualityHeaderValue.TryParseList(request.Headers.AcceptEncoding, out var accepted))
        {
            foreach (var encoding in accepted)
            {
                var quality = encoding.Quality ?? 1;
                if (encoding.Value.Equals("br", StringComparison.OrdinalIgnoreCase))
                {
                    brotli = quality;
                }
                else if (encoding.Value.Equals("gzip", StringComparison.OrdinalIgnoreCase))
                {
                    gzip = quality;
                }
            }
        }

        return gzip > 0 && gzip >= brotli ? "gzip" : brotli > 0 ? "br" : null;
    }

    /// <summary>
    /// The compressing stream over the response body (left open: the response owns it). Brotli at its fastest quality
    /// gains nothing when flushed after every small event (it came out larger than the events themselves in the
    /// compression benchmark), so <see cref="CompressionLevel.Fastest"/> means its optimal quality (4) for Brotli.
    /// </summary>
    internal Stream Wrap(string encoding, Stream body) =>
        encoding == "br"
            ? new BrotliStream(body, Level == CompressionLevel.Fastest ? CompressionLevel.Optimal : Level, leaveOpen: true)
            : new GZipStream(body, Level, leaveOpen: true);
}

/// <summary>The compression convention for generated server-sent-events endpoints.</summary>
public static class SseCompressionConventionBuilderExtensions
{
    /// <summary>
    /// Compresses these streams (a contract's group, or one endpoint) for clients that accept gzip or Brotli, flushing the
    /// compressor with every burst of events so each is decodable when it arrives. Opt-in per stream: compression costs
    /// CPU per subscriber (a topic's frames are shared, their compression is not) and saves bandwidth on verbose JSON.
    /// Independent of <c>UseResponseCompression</c>, which leaves <c>text/event-stream</c> alone by default.
    /// </summary>
    /// <typeparam name="TBuilder">The builder type.</typeparam>
    /// <param name="builder">The endpoint or group builder, e.g. what <c>Map{Name}()</c> returns.</param>
    /// <param name="level">How hard to compress (default <see cref="CompressionLevel.Fastest"/>).</param>
    /// <returns>The builder.</returns>
    public static TBuilder WithSseCompression<TBuilder>(this TBuilder builder, CompressionLevel level = CompressionLevel.Fastest)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var metadata = new SseCompressionMetadata(level);
        builder.Add(endpoint => endpoint.Metadata.Add(metadata));
        return builder;
    }
}
