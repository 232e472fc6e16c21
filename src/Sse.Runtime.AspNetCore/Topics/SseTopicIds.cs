using System;
using System.Globalization;

namespace Sse.Runtime.AspNetCore;

/// <summary>The hub's event ids: <c>{epoch}-{position}</c>, made and read; a log's epochs checked.</summary>
internal static class SseTopicIds
{
    /// <summary>The longest epoch a log may use (the id line's bound, <see cref="SseFrameWriter.MaxIdLineLength"/>).</summary>
    public const int MaxEpochLength = 32;

    /// <summary>The id of a topic event.</summary>
    public static string Id(string epoch, long position) => epoch + "-" + position.ToString(CultureInfo.InvariantCulture);

    /// <summary>Reads a hub id (the epoch is everything before the last <c>-</c>); <see langword="false"/> when it is not one.</summary>
    public static bool TryParse(string id, out string epoch, out long position)
    {
        epoch = string.Empty;
        position = 0;
        var dash = id.LastIndexOf('-');
        if (dash <= 0 || dash > MaxEpochLength
            || !long.TryParse(id.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out position))
        {
            return false;
        }

        epoch = id[..dash];
        return IsValidEpoch(epoch);
    }

    /// <summary>Whether a log's epoch can be part of an id: 1 to 32 letters, digits, <c>_</c> or <c>.</c>.</summary>
    public static bool IsValidEpoch(string? epoch)
    {
        if (epoch is not { Length: > 0 and <= MaxEpochLength })
        {
            return false;
        }

        foreach (var c in epoch)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_' && c != '.')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>An epoch a log gave, checked: a bad one would make ids no client can resume from.</summary>
    public static string Checked(string? epoch, object log)
    {
        return IsValidEpoch(epoch) ? epoch! : throw new InvalidOperationException(
            $"The topic log {log.GetType().Name} gave the epoch '{epoch}', which cannot be part of an event id: an epoch is 1 to {MaxEpochLength} letters, digits, '_' or '.'.");
    }
}
