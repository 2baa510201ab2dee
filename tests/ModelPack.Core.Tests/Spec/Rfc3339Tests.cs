using System;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Tests.Spec;

public class Rfc3339Tests
{
    [Theory]
    [InlineData("2025-01-01T00:00:00Z")]
    [InlineData("2025-01-01t00:00:00z")]
    [InlineData("1985-04-12T23:20:50.52Z")]
    [InlineData("1996-12-19T16:39:57-08:00")]
    [InlineData("1937-01-01T12:00:27.87+00:20")]
    [InlineData("2024-02-29T00:00:00Z")]
    [InlineData("2000-02-29T00:00:00Z")]
    [InlineData("2025-12-31T23:59:59.999999999Z")]
    [InlineData("1990-12-31T23:59:60Z")]
    [InlineData("1990-12-31T15:59:60-08:00")]
    [InlineData("1998-12-31T23:59:60.123Z")]
    [InlineData("2025-01-01T00:00:00+23:59")]
    [InlineData("2025-01-01T00:00:00-00:00")]
    [InlineData("0000-01-01T00:00:00Z")]
    [InlineData("9999-12-31T23:59:59Z")]
    public void Valid_date_times(string text)
    {
        Assert.True(Rfc3339.IsValid(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("2025-01-01")]
    [InlineData("2025-01-01T00:00:00")]
    [InlineData("2025-01-01 00:00:00Z")]
    [InlineData("2025-01-01T00:00Z")]
    [InlineData("2025-1-01T00:00:00Z")]
    [InlineData("25-01-01T00:00:00Z")]
    [InlineData("2025-00-01T00:00:00Z")]
    [InlineData("2025-13-01T00:00:00Z")]
    [InlineData("2025-01-00T00:00:00Z")]
    [InlineData("2025-01-32T00:00:00Z")]
    [InlineData("2025-04-31T00:00:00Z")]
    [InlineData("2025-02-29T00:00:00Z")]
    [InlineData("1900-02-29T00:00:00Z")]
    [InlineData("2025-01-01T24:00:00Z")]
    [InlineData("2025-01-01T00:60:00Z")]
    [InlineData("2025-01-01T00:00:61Z")]
    [InlineData("1998-12-31T23:58:60Z")]
    [InlineData("1998-12-31T22:59:60Z")]
    [InlineData("1998-12-31T23:59:60+01:00")]
    [InlineData("2025-01-01T00:00:00+24:00")]
    [InlineData("2025-01-01T00:00:00+01:60")]
    [InlineData("2025-01-01T00:00:00+0100")]
    [InlineData("2025-01-01T00:00:00.Z")]
    [InlineData("2025-01-01T00:00:00Z\n")]
    [InlineData(" 2025-01-01T00:00:00Z")]
    [InlineData("2025-01-01T00:00:00ZZ")]
    [InlineData("\u0662\u0660\u0662\u0665-01-01T00:00:00Z")]
    [InlineData("2025-01-01T00:00:00UTC")]
    public void Invalid_date_times(string text)
    {
        Assert.False(Rfc3339.IsValid(text));
        Assert.False(Rfc3339.TryParse(text, out _));
    }

    [Fact]
    public void Null_is_not_a_date_time()
    {
        Assert.False(Rfc3339.IsValid(null));
        Assert.False(Rfc3339.TryParse(null, out _));
    }

    [Fact]
    public void Parses_offset_and_fraction()
    {
        Assert.True(Rfc3339.TryParse("1996-12-19T16:39:57.1234567891-08:00", out var value));

        Assert.Equal(TimeSpan.FromHours(-8), value.Offset);
        Assert.Equal(new DateTimeOffset(1996, 12, 20, 0, 39, 57, TimeSpan.Zero).AddTicks(1234567), value.ToUniversalTime());
    }

    [Fact]
    public void A_leap_second_reads_as_second_59()
    {
        Assert.True(Rfc3339.TryParse("2016-12-31T23:59:60Z", out var value));

        Assert.Equal(new DateTimeOffset(2016, 12, 31, 23, 59, 59, TimeSpan.Zero), value);
    }

    [Fact]
    public void An_offset_beyond_14_hours_is_converted_to_UTC()
    {
        Assert.True(Rfc3339.TryParse("2025-01-02T20:00:00+20:00", out var value));

        Assert.Equal(TimeSpan.Zero, value.Offset);
        Assert.Equal(new DateTimeOffset(2025, 1, 2, 0, 0, 0, TimeSpan.Zero), value);
    }

    [Fact]
    public void Valid_but_unrepresentable_instants_do_not_parse()
    {
        Assert.True(Rfc3339.IsValid("0000-06-01T00:00:00Z"));
        Assert.False(Rfc3339.TryParse("0000-06-01T00:00:00Z", out _));
        Assert.False(Rfc3339.TryParse("0001-01-01T00:00:00+01:00", out _));
    }

    [Fact]
    public void Format_round_trips()
    {
        var value = new DateTimeOffset(2025, 3, 4, 5, 6, 7, TimeSpan.FromHours(1)).AddTicks(5000000);

        var text = Rfc3339.Format(value);

        Assert.Equal("2025-03-04T04:06:07.5Z", text);
        Assert.True(Rfc3339.TryParse(text, out var back));
        Assert.Equal(value, back);
    }
}
