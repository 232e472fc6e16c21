using System;
using System.Globalization;
using Sse.Runtime.AspNetCore;
using Sse.Runtime.AspNetCore.Infrastructure;
using Sse.Runtime.Infrastructure;
using Xunit;

namespace Sse.Runtime.Tests;

public class SseParameterBinderTests
{
    [Fact]
    public void TryParse_UsesInvariantCultureWhateverTheCurrentCulture()
    {
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = new CultureInfo("de-DE");
        try
        {
            Assert.True(SseParameterBinder.TryParse<double>("1.5", out var d));
            Assert.Equal(1.5, d);
            Assert.True(SseParameterBinder.TryParse<decimal>("2.25", out var m));
            Assert.Equal(2.25m, m);
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Theory]
    [InlineData("Sell", true, Side.Sell)]
    [InlineData("sell", true, Side.Sell)]
    [InlineData("1", true, Side.Sell)]
    [InlineData("7", false, default(Side))]
    [InlineData("Hold", false, default(Side))]
    [InlineData("", false, default(Side))]
    public void TryParseEnum_NamesOrDefinedNumbers(string value, bool valid, Side expected)
    {
        Assert.Equal(valid, SseParameterBinder.TryParseEnum<Side>(value, out var side));
        if (valid)
        {
            Assert.Equal(expected, side);
        }
    }

    [Fact]
    public void TryParseDateTime_KeepsKind()
    {
        var utc = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        Assert.True(SseParameterBinder.TryParseDateTime(utc.ToString("O", CultureInfo.InvariantCulture), out var parsed));
        Assert.Equal(utc, parsed);
        Assert.Equal(DateTimeKind.Utc, parsed.Kind);
    }

    [Theory]
    [InlineData("true", true, true)]
    [InlineData("False", true, false)]
    [InlineData("yes", false, false)]
    public void TryParse_Bool(string value, bool valid, bool expected)
    {
        Assert.Equal(valid, SseParameterBinder.TryParse<bool>(value, out var parsed));
        Assert.Equal(expected, parsed);
    }

    [Fact]
    public void FormatAndParse_RoundTripEveryKind()
    {
        RoundTrip(Guid.NewGuid());
        RoundTrip(new DateTimeOffset(2026, 11, 22, 1, 2, 3, 456, TimeSpan.FromMinutes(-330)));
        RoundTrip(new DateOnly(2026, 2, 28));
        RoundTrip(new TimeOnly(23, 59, 58, 999));
        RoundTrip(TimeSpan.FromMilliseconds(-123456789));
        RoundTrip(double.Epsilon);
        RoundTrip(float.MaxValue);
        RoundTrip(decimal.MinValue);
        RoundTrip(ulong.MaxValue);
        RoundTrip(sbyte.MinValue);

        static void RoundTrip<T>(T value)
            where T : IFormattable, IParsable<T>
        {
            Assert.True(SseParameterBinder.TryParse<T>(SseUriBuilder.Format(value), out var parsed));
            Assert.Equal(value, parsed);
        }
    }
}
