using System;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.Packing;
using ModelPack.Core.References;
using ModelPack.Core.Store;
using ModelPack.Core.Tests.Support;

namespace ModelPack.Core.Tests.Packing;

/// <summary>
/// Named pipes, sockets and devices in a model folder, made for real (mkfifo, a bound Unix socket, mknod, a
/// link to /dev/null): the plan refuses them as UnsupportedModelFile before anything is opened, so a pack
/// that used to wait forever on a FIFO fails at once, and Exclude or Include that leaves them out packs.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class SpecialFileTests : IDisposable
{
    private static readonly ModelReference Reference = ModelReference.Parse("localhost:5000/models/special:1.0");

    private readonly TempDirectory _root = new("modelpack-special");
    private readonly ModelFolder _folder = new();
    private readonly ModelStore _store;
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);

    public SpecialFileTests()
    {
        _store = ModelStore.Open(Path.Combine(_root.Path, "store"));
        _folder.Write("model.gguf", ModelFolder.Random(4000, 3));
        _folder.Write("README.md", "# special\n");
    }

    public void Dispose()
    {
        _socket.Dispose();
        _folder.Dispose();
        _root.Dispose();
    }

    [Fact]
    public async Task A_named_pipe_is_refused_promptly_by_the_plan_and_the_pack_and_nothing_is_written()
    {
        var fifo = _folder.MakeFifo("weights/extra.safetensors");
        var before = StoreState.Capture(_store);

        var planned = await Promptly.Run(() => Task.FromResult(Assert.Throws<ModelPackException>(() => ModelPacker.Plan(new PackRequest(_folder.Path, Reference)))), fifo);
        var packed = await PackFailsPromptly(new PackRequest(_folder.Path, Reference), fifo);

        foreach (var error in new[] { planned, packed })
        {
            Assert.Equal(ErrorIds.UnsupportedModelFile, error.ErrorId);
            Assert.Equal(ErrorKind.InvalidData, error.Kind);
            Assert.Equal("weights/extra.safetensors", error.Target);
            Assert.Contains("weights/extra.safetensors: a named pipe (FIFO)", error.Message, StringComparison.Ordinal);
            Assert.Contains("Exclude", error.Message, StringComparison.Ordinal);
            Assert.Contains("Nothing was written.", error.Message, StringComparison.Ordinal);
        }

        Assert.Equal(before, StoreState.Capture(_store));
        Assert.Null(_store.Find(Reference));
    }

    [Fact]
    public async Task A_socket_and_a_block_device_are_refused_together_each_named()
    {
        _socket.Bind(new UnixDomainSocketEndPoint(_folder.Full("agent.sock")));
        _folder.MakeBlockDevice("disk.bin", 7, 0);

        var error = await PackFailsPromptly(new PackRequest(_folder.Path, Reference));

        Assert.Equal(ErrorIds.UnsupportedModelFile, error.ErrorId);
        Assert.Equal("agent.sock", error.Target); // the first in walking order
        Assert.Contains("2 paths name something other than a regular file", error.Message, StringComparison.Ordinal);
        Assert.Contains("agent.sock: a Unix domain socket", error.Message, StringComparison.Ordinal);
        Assert.Contains("disk.bin: a block device", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Links_to_a_named_pipe_inside_or_a_device_outside_count_as_what_they_point_at()
    {
        var fifo = _folder.MakeFifo("run/pipe");
        _folder.Symlink("weights/model.bin", "../run/pipe");
        _folder.Symlink("tokenizer.json", "/dev/null");
        var request = new PackRequest(_folder.Path, Reference) { FollowLinksOutside = true };
        request.Exclude.Add("run");

        var error = await PackFailsPromptly(request, fifo);

        Assert.Equal(ErrorIds.UnsupportedModelFile, error.ErrorId);
        Assert.Equal("tokenizer.json", error.Target);
        Assert.Contains("tokenizer.json: a symbolic link to a character device (/dev/null)", error.Message, StringComparison.Ordinal);
        Assert.Contains($"weights/model.bin: a symbolic link to a named pipe (FIFO) ({fifo})", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("run/pipe:", error.Message, StringComparison.Ordinal); // excluded itself

        // Without FollowLinksOutside the link to /dev/null is first of all a link out of the folder.
        var outside = await PackFailsPromptly(new PackRequest(_folder.Path, Reference) { Exclude = { "run", "weights" } });
        Assert.Equal(ErrorIds.LinkOutsideModel, outside.ErrorId);
        Assert.Equal("tokenizer.json", outside.Target);
    }

    [Fact]
    public async Task Exclude_or_Include_that_leaves_the_special_files_out_packs_the_rest()
    {
        var fifo = _folder.MakeFifo("run/pipe.bin");
        _socket.Bind(new UnixDomainSocketEndPoint(_folder.Full("run/agent.sock")));
        _folder.Symlink("null.md", "/dev/null");
        var excluding = new PackRequest(_folder.Path, Reference) { Exclude = { "run", "null.md" } };
        var including = new PackRequest(_folder.Path, ModelReference.Parse("localhost:5000/models/special:included"))
        {
            Include = { "*.gguf", "*.md" },
            Exclude = { "null.md" },
        };

        var excluded = await Promptly.Run(() => ModelPacker.PackAsync(excluding, _store), fifo);
        var included = await Promptly.Run(() => ModelPacker.PackAsync(including, _store), fifo);

        foreach (var result in new[] { excluded, included })
        {
            Assert.Equal(new[] { "model.gguf", "README.md" }, result.Artifact.Manifest.Layers.Select(l => l.Filepath));
            Assert.Equal(File.ReadAllBytes(_folder.Full("model.gguf")), File.ReadAllBytes(Path.Combine(result.Artifact.Path!, "model.gguf")));
        }

        Assert.Equal("excluded by 'run'", excluded.Plan.Skipped["run/pipe.bin"]);
        Assert.Equal("excluded by 'null.md'", excluded.Plan.Skipped["null.md"]);
        Assert.Equal("not included", included.Plan.Skipped["run/agent.sock"]);
        Assert.Equal("excluded by 'null.md'", included.Plan.Skipped["null.md"]);
    }

    [Fact]
    public void TypeOf_tells_each_kind_of_entry_apart_following_links()
    {
        var regular = _folder.Full("model.gguf");
        var fifo = _folder.MakeFifo("pipe");
        _socket.Bind(new UnixDomainSocketEndPoint(_folder.Full("agent.sock")));
        _folder.MakeBlockDevice("disk", 7, 0);
        _folder.Symlink("null-link", "/dev/null");
        _folder.Symlink("pipe-link", fifo);

        Assert.Equal(SourceFileType.RegularFile, SourceFiles.TypeOf(regular));
        Assert.Equal(SourceFileType.Directory, SourceFiles.TypeOf(_folder.Path));
        Assert.Equal(SourceFileType.NamedPipe, SourceFiles.TypeOf(fifo));
        Assert.Equal(SourceFileType.NamedPipe, SourceFiles.TypeOf(_folder.Full("pipe-link")));
        Assert.Equal(SourceFileType.Socket, SourceFiles.TypeOf(_folder.Full("agent.sock")));
        Assert.Equal(SourceFileType.BlockDevice, SourceFiles.TypeOf(_folder.Full("disk")));
        Assert.Equal(SourceFileType.CharacterDevice, SourceFiles.TypeOf(_folder.Full("null-link")));
        Assert.Equal(SourceFileType.Unknown, SourceFiles.TypeOf(_folder.Full("missing")));
    }

    [Fact]
    public void The_raw_statx_syscall_reads_the_same_mode_as_the_libc_wrapper()
    {
        // Older musl (Alpine before 3.20) has no statx wrapper; this libc has one, so both routes can be compared.
        var fifo = _folder.MakeFifo("pipe");
        _socket.Bind(new UnixDomainSocketEndPoint(_folder.Full("agent.sock")));

        foreach (var (path, type) in new[] { (_folder.Full("model.gguf"), 0x8000), (fifo, 0x1000), (_folder.Full("agent.sock"), 0xC000), ("/dev/null", 0x2000) })
        {
            var wrapper = SourceFiles.StatxMode(path, viaSyscall: false);
            var syscall = SourceFiles.StatxMode(path, viaSyscall: true);

            Assert.Equal(type, wrapper & 0xF000);
            Assert.Equal(wrapper, syscall);
        }

        Assert.Null(SourceFiles.StatxMode(_folder.Full("missing"), viaSyscall: true));
    }

    private async Task<ModelPackException> PackFailsPromptly(PackRequest request, params string[] fifos) =>
        await Promptly.Run(() => Assert.ThrowsAnyAsync<ModelPackException>(() => ModelPacker.PackAsync(request, _store)), fifos);
}
