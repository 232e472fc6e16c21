namespace Sse.Testing;

/// <summary>
/// Follows the server's bytes of one HTTP/1.1 connection as they pass: the response head, then the body (de-chunked
/// when chunked), to count the events (frames with a <c>data:</c> line) the client has been given.
/// </summary>
internal sealed class SseResponseTracker
{
    private readonly System.Collections.Generic.List<byte> _head = [];
    private bool _inBody;
    private bool _chunked;
    private long _chunkLeft = -1;
    private readonly System.Text.StringBuilder _sizeLine = new();
    private int _chunkTrailer;
    private int _lineLength;
    private bool _lineIsData;
    private bool _frameHasData;
    private byte _previous;
    private readonly System.Collections.Generic.List<byte> _line = [];

    /// <summary>Gets the events completed so far.</summary>
    public int Events { get; private set; }

    /// <summary>Gets the value of the last complete <c>id:</c> line the server sent, or <see langword="null"/>.</summary>
    public string? LastId { get; private set; }

    /// <summary>Gets whether the last byte taken was the event stream's (not the response head or chunk framing).</summary>
    public bool LastWasPayload { get; private set; }

    /// <summary>
    /// Treats every byte from now on as the stream's (an HTTP/2 connection, whose binary framing is not followed: cut
    /// points still find their bytes, event counts are approximate).
    /// </summary>
    public void Raw() => _inBody = true;

    /// <summary>Takes the next byte toward the client; <see langword="true"/> when it completed an event.</summary>
    public bool Take(byte b)
    {
        LastWasPayload = false;
        if (!_inBody)
        {
            _head.Add(b);
            var n = _head.Count;
            if (n >= 4 && _head[n - 4] == '\r' && _head[n - 3] == '\n' && _head[n - 2] == '\r' && _head[n - 1] == '\n')
            {
                var head = System.Text.Encoding.Latin1.GetString([.. _head]).ToLowerInvariant();
                _chunked = head.Contains("transfer-encoding: chunked", System.StringComparison.Ordinal);
                _inBody = true;
                _head.Clear();
            }

            return false;
        }

        if (!_chunked)
        {
            return Body(b);
        }

        if (_chunkTrailer > 0)
        {
            // The CRLF after a chunk's data.
            _chunkTrailer--;
            return false;
        }

        if (_chunkLeft <= 0)
        {
            // The chunk-size line.
            if (b == '\n')
            {
                var line = _sizeLine.ToString().Trim();
                var semicolon = line.IndexOf(';', System.StringComparison.Ordinal);
                _chunkLeft = long.TryParse(semicolon < 0 ? line : line[..semicolon], System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out var size) ? size : 0;
                _sizeLine.Clear();
            }
            else
            {
                _sizeLine.Append((char)b);
            }

            return false;
        }

        _chunkLeft--;
        if (_chunkLeft == 0)
        {
            _chunkTrailer = 2;
        }

        return Body(b);
    }

    /// <summary>A byte of the event stream: lines end at LF, CR or CRLF; a blank line dispatches the frame.</summary>
    private bool Body(byte b)
    {
        LastWasPayload = true;
        var previous = _previous;
        _previous = b;
        if (b == '\n' && previous == '\r')
        {
            return false; // The LF of a CRLF: the CR ended the line.
        }

        if (b is (byte)'\n' or (byte)'\r')
        {
            if (_line.Count >= 3 && _line[0] == 'i' && _line[1] == 'd' && _line[2] == ':')
            {
                var start = _line.Count > 3 && _line[3] == ' ' ? 4 : 3;
                LastId = System.Text.Encoding.UTF8.GetString([.. _line.GetRange(start, _line.Count - start)]);
            }

            _line.Clear();
            var dispatched = false;
            if (_lineLength == 0)
            {
                dispatched = _frameHasData;
                _frameHasData = false;
                if (dispatched)
                {
                    Events++;
                }
            }
            else if (_lineIsData)
            {
                _frameHasData = true;
            }

            _lineLength = 0;
            _lineIsData = false;
            return dispatched;
        }

        // "data" then ':' or the end of the line makes a data line.
        if (_line.Count < 256)
        {
            _line.Add(b);
        }

        _lineLength++;
        _lineIsData = _lineLength switch
        {
            1 => b == 'd',
            2 => _lineIsData && b == 'a',
            3 => _lineIsData && b == 't',
            4 => _lineIsData && b == 'a',
            5 => _lineIsData && b == ':',
            _ => _lineIsData,
        };
        // ("data" alone on a line is a data line too; a fifth byte other than ':' makes it another field.)
        return false;
    }
}
