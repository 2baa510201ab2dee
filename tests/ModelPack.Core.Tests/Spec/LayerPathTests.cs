using ModelPack.Core.Errors;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Tests.Spec;

public class LayerPathTests
{
    public static TheoryData<string, string> SafePaths => new()
    {
        { "model.safetensors", "model.safetensors" },
        { "a/b/c.bin", "a/b/c.bin" },
        { "a\\b\\c.bin", "a/b/c.bin" },
        { "a/b\\c.bin", "a/b/c.bin" },
        { "a//b///c", "a/b/c" },
        { "./a/./b/.", "a/b" },
        { "a/b/", "a/b" },
        { "a\\", "a" },
        { "dir/", "dir" },
        { ".hidden", ".hidden" },
        { "a/.config/b", "a/.config/b" },
        { "..a", "..a" },
        { "a..", "a.." },
        { "a/..b/c", "a/..b/c" },
        { "b..c/d", "b..c/d" },
        { "name with spaces.txt", "name with spaces.txt" },
        { "tokenizer (1).json", "tokenizer (1).json" },
        { "模型/权重.bin", "模型/权重.bin" },
        { "emoji-\U0001F600.txt", "emoji-\U0001F600.txt" },
        { "console.py", "console.py" },
        { "nullable/x", "nullable/x" },
        { "COM10", "COM10" },
        { "lpt", "lpt" },
    };

    // Each hostile input, with a word the refusal must contain (so it fails for the right reason).
    public static TheoryData<string?, string> UnsafePaths => new()
    {
        { null, "empty" },
        { "", "empty" },
        { " ", "whitespace" },
        { "\t", "whitespace" },
        { "   \r\n", "whitespace" },
        { "a\0b", "NUL" },
        { "model.bin\0.txt", "NUL" },
        { "a\nb", "control" },
        { "a\rb", "control" },
        { "a\u001bb", "control" },
        { "a\u007fb", "control" },
        { "a\u0085b", "control" },
        { "/etc/passwd", "absolute" },
        { "/", "absolute" },
        { "\\Windows\\System32", "absolute" },
        { "\\", "absolute" },
        { "//server/share/x", "UNC" },
        { "\\\\server\\share\\x", "UNC" },
        { "\\\\?\\C:\\x", "UNC" },
        { "\\\\.\\PhysicalDrive0", "UNC" },
        { "//?/C:/x", "UNC" },
        { "C:", "drive" },
        { "C:\\x", "drive" },
        { "C:/x", "drive" },
        { "c:x", "drive" },
        { "z:..\\x", "drive" },
        { "a/C:/x", "':'" },
        { "file.txt:stream", "':'" },
        { "file.txt::$DATA", "':'" },
        { "..", ".." },
        { "../x", ".." },
        { "..\\x", ".." },
        { "a/../../x", ".." },
        { "a/..", ".." },
        { "a\\..\\..\\x", ".." },
        { "a/b/../c", ".." },
        { "./../x", ".." },
        { "a//..//x", ".." },
        { ".. ", ".." },
        { "a/.. /x", ".." },
        { "...", "dots and spaces" },
        { "a/.../b", "dots and spaces" },
        { ". .", "dots and spaces" },
        { "a/ /b", "dots and spaces" },
        { ".", "names no file" },
        { "./", "names no file" },
        { ".\\", "names no file" },
        { "./.", "names no file" },
        { "././/./", "names no file" },
        { "NUL", "device" },
        { "nul.txt", "device" },
        { "a/CON", "device" },
        { "aux.tar.gz", "device" },
        { "COM1", "device" },
        { "lpt9.bin", "device" },
        { "CONIN$", "device" },
        { "com\u00B9", "device" },
        { "PRN /x", "device" },
    };

    [Theory]
    [MemberData(nameof(SafePaths))]
    public void Safe_paths_are_normalised(string path, string expected)
    {
        Assert.True(LayerPath.TryNormalize(path, out var normalized, out var error), error);
        Assert.Equal(expected, normalized);
        Assert.Equal(string.Empty, error);
        Assert.Equal(expected, LayerPath.Normalize(path));
    }

    [Theory]
    [MemberData(nameof(UnsafePaths))]
    public void Hostile_paths_are_refused_with_the_reason(string? path, string reasonWord)
    {
        Assert.False(LayerPath.TryNormalize(path, out var normalized, out var error));
        Assert.Equal(string.Empty, normalized);
        Assert.Contains(reasonWord, error, System.StringComparison.OrdinalIgnoreCase);
    }

    // Not theory data: xunit's serialisation of theory arguments replaces unpaired surrogates with U+FFFD.
    [Fact]
    public void Unpaired_surrogates_are_refused()
    {
        foreach (var path in new[] { "a\ud800b", "a\udc00", "\ud83d", "x/\ude00\ud83d" })
        {
            Assert.False(LayerPath.TryNormalize(path, out _, out var error));
            Assert.Contains("surrogate", error, System.StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Normalized_paths_are_a_fixed_point()
    {
        foreach (var row in SafePaths)
        {
            var once = LayerPath.Normalize((string)row[0]);
            Assert.Equal(once, LayerPath.Normalize(once));
        }
    }

    [Fact]
    public void Normalize_throws_UnsafeLayerPath_security_error_naming_the_path()
    {
        var ex = Assert.Throws<ModelPackException>(() => LayerPath.Normalize("../../etc/passwd"));

        Assert.Equal(ErrorIds.UnsafeLayerPath, ex.ErrorId);
        Assert.Equal(ErrorKind.SecurityError, ex.Kind);
        Assert.Equal("../../etc/passwd", ex.Target);
        Assert.Contains("'../../etc/passwd'", ex.Message);
        Assert.Contains("..", ex.Message);
    }

    [Fact]
    public void Refusal_message_escapes_control_characters()
    {
        var ex = Assert.Throws<ModelPackException>(() => LayerPath.Normalize("x\nWARNING: fake line"));

        Assert.DoesNotContain("\n", ex.Message);
        Assert.Contains("\\u000A", ex.Message);
        Assert.Equal("x\nWARNING: fake line", ex.Target);
    }
}
