using System;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;

namespace Sse.Runtime.AspNetCore;

/// <summary>
/// Recovers a route value exactly as the client sent it. Kestrel decodes the request path except <c>%2F</c>, so a
/// value <c>a/b</c> (sent as <c>a%2Fb</c>) reaches routing as <c>a%2Fb</c>, and so does a value <c>a%2Fb</c> (sent as
/// <c>a%252Fb</c>): the two cannot be told apart from the route value. The raw request target can, so a value holding
/// <c>%</c> is read again from the raw path segment the route parameter matched, and decoded once, fully.
/// </summary>
internal static class RouteValueDecoder
{
    public static string Decode(HttpContext context, string name, string value)
    {
        if (value.IndexOf('%', StringComparison.Ordinal) < 0
            || context.GetEndpoint() is not RouteEndpoint endpoint
            || context.Features.Get<IHttpRequestFeature>()?.RawTarget is not { Length: > 0 } rawTarget)
        {
            return value;
        }

        var segmentIndex = FindSegment(endpoint.RoutePattern, name, out var isCatchAll);
        if (segmentIndex < 0)
        {
            return value; // A parameter sharing its segment with literal text: routing's value is the best there is.
        }

        // The raw path's segments line up with the decoded path's, since '/' stays encoded as %2F inside a value;
        // the path base (UsePathBase) comes first.
        var rawPath = PathOf(rawTarget);
        var rawSegments = rawPath.Split('/');
        var baseSegments = context.Request.PathBase.HasValue ? context.Request.PathBase.Value!.Split('/').Length - 1 : 0;
        var index = 1 + baseSegments + segmentIndex;
        if (index >= rawSegments.Length)
        {
            return value;
        }

        string decoded;
        try
        {
            decoded = isCatchAll
                ? string.Join('/', Array.ConvertAll(rawSegments[index..], Uri.UnescapeDataString))
                : Uri.UnescapeDataString(rawSegments[index]);
        }
        catch (UriFormatException)
        {
            return value;
        }

        // Only trust the raw segment when it is what routing matched: re-encoding its slashes as routing left them gives the value back.
        var check = isCatchAll ? decoded : decoded.Replace("/", "%2F", StringComparison.Ordinal);
        return string.Equals(Normalize(check, isCatchAll), Normalize(value, isCatchAll), StringComparison.OrdinalIgnoreCase) ? decoded : value;
    }

    /// <summary>For a catch-all, routing's value keeps <c>%2F</c> inside segments; decoded, both sides have plain slashes.</summary>
    private static string Normalize(string text, bool isCatchAll) =>
        isCatchAll ? text.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase) : text;

    private static int FindSegment(RoutePattern pattern, string name, out bool isCatchAll)
    {
        isCatchAll = false;
        for (var i = 0; i < pattern.PathSegments.Count; i++)
        {
            var parts = pattern.PathSegments[i].Parts;
            if (parts.Count == 1 && parts[0] is RoutePatternParameterPart parameter && string.Equals(parameter.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                isCatchAll = parameter.IsCatchAll;
                return i;
            }
        }

        return -1;
    }

    /// <summary>The path of a request target: origin form <c>/a/b?q</c>, or absolute form <c>http://host/a/b?q</c>.</summary>
    private static string PathOf(string rawTarget)
    {
        var path = rawTarget;
        if (!path.StartsWith('/'))
        {
            var scheme = path.IndexOf("://", StringComparison.Ordinal);
            var slash = scheme < 0 ? -1 : path.IndexOf('/', scheme + 3);
            path = slash < 0 ? "/" : path[slash..];
        }

        var query = path.IndexOf('?', StringComparison.Ordinal);
        return query < 0 ? path : path[..query];
    }
}
