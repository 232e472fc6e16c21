using System;
using System.IO;
using System.IO.Compression;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Sse.Deployment.Tests;

/// <summary>
/// An event stream read as a browser gets it compressed: it asks for an encoding, then decodes the body as it arrives,
/// so a test sees whether each event is decodable when it is written (a compressor that waits for its block is not).
/// </summary>
internal sealed class CompressedEvents : IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly HttpResponseMessage _response;
    private readonly CountingStream _compressed;
    private readonly Stream _decoded;
    private readonly StringBuilder _text = new();
    private readonly byte[] _buffer = new byte[16 * 1024];

    private CompressedEvents(HttpClient http, HttpResponseMessage response, CountingStream compressed, Stream decoded)
    {
        _http = http;
        _response = response;
        _compressed = compressed;
        _decoded = decoded;
    }

    /// <summary>Gets the response's <c>Content-Encoding</c> (empty when it is not compressed).</summary>
    public string ContentEncoding => string.Join(",", _response.Content.Headers.ContentEncoding);

    /// <summary>Gets the bytes that came over the wire so far.</summary>
    public long CompressedBytes => _compressed.Count;

    /// <summary>Gets the bytes they decoded to.</summary>
    public long DecodedBytes { get; private set; }

    /// <param name="uri">The stream.</param>
    /// <param name="encoding"><c>gzip</c> or <c>br</c>.</param>
    public static async Task<CompressedEvents> OpenAsync(Uri uri, string encoding, HttpClient? http = null)
    {
        http ??= new HttpClient(new SocketsHttpHandler { AutomaticDecompression = System.Net.DecompressionMethods.None });
        var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Accept.ParseAdd("text/event-stream");
        request.Headers.AcceptEncoding.ParseAdd(encoding);
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        var compressed = new CountingStream(await response.Content.ReadAsStreamAsync());
        Stream decoded = string.Join(",", response.Content.Headers.ContentEncoding) switch
        {
            "gzip" => new GZipStream(compressed, CompressionMode.Decompress),
            "br" => new BrotliStream(compressed, CompressionMode.Decompress),
            _ => compressed,
        };
        return new CompressedEvents(http, response, compressed, decoded);
    }

    /// <summary>Reads until a whole event (a blank line) has been decoded, skipping comments and id-only frames; fails after <paramref name="timeout"/>.</summary>
    public async Task<string> ReadEventAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            var text = _text.ToString();
            var end = text.IndexOf("\n\n", StringComparison.Ordinal);
            if (end >= 0)
            {
                _text.Remove(0, end + 2);
                var frame = text[..end];
                if (frame.Contains("data:", StringComparison.Ordinal))
                {
                    return frame;
                }

                continue;
            }

            int read;
            try
            {
                read = await _decoded.ReadAsync(_buffer, deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No whole event could be decoded within {timeout.TotalSeconds} s ({CompressedBytes} compressed bytes came, decoding to '{_text}').");
            }

            if (read == 0)
            {
                throw new EndOfStreamException($"The stream ended; left undecoded: '{_text}'.");
            }

            DecodedBytes += read;
            _text.Append(Encoding.UTF8.GetString(_buffer, 0, read));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _decoded.DisposeAsync();
        _response.Dispose();
        _http.Dispose();
    }

    private sealed class CountingStream(Stream inner) : Stream
    {
        public long Count { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => Count; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Counted(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Counted(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        private int Counted(int read)
        {
            Count += read;
            return read;
        }
    }
}
