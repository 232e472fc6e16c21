using System;

namespace Sse.Runtime.AspNetCore;

/// <summary>The hub's event ids: <c>{epoch}-{position}</c>, made and read.</summary>
internal static class SseTopicIds
{
    /// <summary>The id of a topic event.</summary>
    public static string Id(string epoch, long position) => epoch + "-" + position.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Reads a hub id; <see langword="false"/> when it is not one of this epoch's.</summary>
    public static bool TryParse(string id, string epoch, out long position)
    {
        position = 0;
        return id.Length > epoch.Length + 1
            && id.StartsWith(epoch, StringComparison.Ordinal)
            && id[epoch.Length] == '-'
            && long.TryParse(id.AsSpan(epoch.Length + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out position)
            && position >= 0;
    }
}
