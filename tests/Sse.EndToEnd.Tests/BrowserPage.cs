namespace Sse.EndToEnd.Tests;

/// <summary>A page that reads our endpoints with the browser's own EventSource and collects what it saw.</summary>
internal static class BrowserPage
{
    public const string Html = """
        <!doctype html>
        <html>
        <head><meta charset="utf-8"><title>EventSource interop</title></head>
        <body>
        <script>
          window.results = { messages: [], named: [], heartbeatStream: [], errors: [] };

          // Unnamed events: a `message` event per item.
          const plain = new EventSource('/e2e/echo/5/a%20b?text=hi%20there&mood=Excited');
          plain.onmessage = e => { results.messages.push({ data: JSON.parse(e.data), id: e.lastEventId }); plain.close(); };

          // Named events through addEventListener, with ids.
          const named = new EventSource('/e2e/items?n=4');
          for (const type of ['even', 'odd']) {
            named.addEventListener(type, e => {
              results.named.push({ type: e.type, data: JSON.parse(e.data), id: e.lastEventId });
              if (results.named.length === 4) named.close();
            });
          }

          // A slow stream with heartbeat comments between the events.
          const slow = new EventSource('/hb/e2e/slow?count=2&delayMs=300');
          slow.addEventListener('counted', e => {
            results.heartbeatStream.push({ data: JSON.parse(e.data), id: e.lastEventId });
            if (results.heartbeatStream.length === 2) slow.close();
          });

          for (const source of [plain, named, slow]) {
            source.onerror = () => { if (source.readyState !== EventSource.CLOSED) results.errors.push(source.url); };
          }
        </script>
        </body>
        </html>
        """;

    /// <summary>
    /// A page that reads a resumable stream with EventSource through a connection that gets cut, and stops on the end
    /// event, as the README tells pages to.
    /// </summary>
    public const string ResumeHtml = """
        <!doctype html>
        <html>
        <head><meta charset="utf-8"><title>EventSource resume</title></head>
        <body>
        <script>
          window.results = { seqs: [], ids: [], opens: 0, errors: 0, ended: false };
          const source = new EventSource('/resume/sequence-items?count=300');
          source.onopen = () => results.opens++;
          source.onerror = () => results.errors++;
          source.addEventListener('numbered', e => { results.seqs.push(JSON.parse(e.data).seq); results.ids.push(e.lastEventId); });
          // The server announces the end of the stream: close, or EventSource would reconnect and start over.
          source.addEventListener('sse-end', () => { results.ended = true; source.close(); });
        </script>
        </body>
        </html>
        """;
}
