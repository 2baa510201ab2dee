using System.IO;
using ModelPack.Core.Tests.Support;
using ModelPack.Core.Transfer;

namespace ModelPack.Core.Tests.Transfer;

/// <summary>The list of a ranged download's parts beside its partial file: what it records, and what it refuses to believe.</summary>
public sealed class PartMapTests : System.IDisposable
{
    private readonly TempDirectory _temp = new("modelpack-partmap");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_prefix_from_one_stream_counts_as_done_and_parts_are_claimed_lowest_first()
    {
        using var map = PartMap.Create(_temp.File("a.parts"), 1000, 300, prefix: 450);

        Assert.Equal(4, map.Count);
        Assert.Equal((900L, 1000L), map.Bounds(3));
        Assert.Equal(new long[] { 300, 150, 0, 0 }, new[] { map.Done(0), map.Done(1), map.Done(2), map.Done(3) });
        Assert.Equal(450, map.TotalDone);
        Assert.Equal(1, map.Claim());
        Assert.Equal(2, map.Claim());
        map.Unclaim(1);
        Assert.Equal(1, map.Claim());
        Assert.Equal(3, map.Claim());
        Assert.Null(map.Claim());
    }

    [Fact]
    public void The_contiguous_end_stops_at_the_first_gap()
    {
        using var map = PartMap.Create(_temp.File("b.parts"), 1000, 300, prefix: 0);

        map.Advance(1, 300);
        map.Advance(2, 100);
        Assert.Equal(0, map.ContiguousEnd(0));
        map.Advance(0, 300);
        Assert.Equal(700, map.ContiguousEnd(0));
        Assert.Equal(700, map.ContiguousEnd(650));
        map.Advance(2, 200);
        map.Advance(3, 100);
        Assert.Equal(1000, map.ContiguousEnd(700));
    }

    [Fact]
    public void What_was_recorded_is_read_back_by_the_next_session()
    {
        var path = _temp.File("c.parts");
        using (var map = PartMap.Create(path, 1000, 300, prefix: 0))
        {
            map.Advance(2, 120);
            map.Advance(0, 300);
        }

        using var again = PartMap.Load(path, 1000, fileLength: 1000, out var problem);

        Assert.Null(problem);
        Assert.NotNull(again);
        Assert.Equal(new long[] { 300, 0, 120, 0 }, new[] { again!.Done(0), again.Done(1), again.Done(2), again.Done(3) });
        Assert.Equal(300, again.ContiguousEnd(0));
    }

    [Fact]
    public void A_map_for_another_size_one_that_claims_more_than_the_file_and_garbage_are_refused()
    {
        var path = _temp.File("d.parts");
        using (var map = PartMap.Create(path, 1000, 300, prefix: 0))
        {
            map.Advance(3, 50);
        }

        Assert.Null(PartMap.Load(path, 999, 1000, out var otherSize));
        Assert.Contains("not this blob's 999", otherSize);
        Assert.Null(PartMap.Load(path, 1000, fileLength: 940, out var beyond));
        Assert.Contains("part 3 claims bytes the partial file does not hold", beyond);
        File.WriteAllText(path, "not a map");
        Assert.Null(PartMap.Load(path, 1000, 1000, out var garbage));
        Assert.Equal("it is not a list of parts", garbage);
        Assert.Null(PartMap.Load(_temp.File("none.parts"), 1000, 1000, out var none));
        Assert.Null(none);
    }
}
