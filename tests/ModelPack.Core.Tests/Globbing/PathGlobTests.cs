using ModelPack.Core.Errors;
using ModelPack.Core.Globbing;
using ModelPack.Core.Packing;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Tests.Globbing;

/// <summary>Globs on model-relative paths (FileSystemGlobbing), and the built-in kind rules.</summary>
public sealed class PathGlobTests
{
    [Theory]
    [InlineData("*.bin", "model.bin", true)]
    [InlineData("*.bin", "shards/model.bin", true)]
    [InlineData("*.bin", "model.binary", false)]
    [InlineData("*.BIN", "model.bin", true)]
    [InlineData("checkpoints", "checkpoints/step-1/model.pt", true)]
    [InlineData("checkpoints", "old-checkpoints/model.pt", false)]
    [InlineData("docs/*.md", "docs/a.md", true)]
    [InlineData("docs/*.md", "docs/sub/a.md", false)]
    [InlineData("docs/*.md", "other/docs/a.md", false)]
    [InlineData("docs/**/*.md", "docs/a/b/c.md", true)]
    [InlineData("docs/**/*.md", "docs/c.md", true)]
    [InlineData("./data/", "data/x.csv", true)]
    [InlineData("a+b(c).txt", "a+b(c).txt", true)]
    [InlineData("model-*-of-*.safetensors", "model-00002-of-00003.safetensors", true)]
    [InlineData("**", "any/where/x.bin", true)]
    [InlineData("**/*.md", "README.md", true)]
    [InlineData("docs/**", "docs/a/b.md", true)]
    [InlineData("docs/**", "docs", false)]
    [InlineData("*.gguf", "model.gguf.part", false)]
    [InlineData("Docs/*.MD", "docs/a.md", true)]
    public void Patterns_match_paths_like_gitignore_and_PowerShell_wildcards(string pattern, string path, bool matches)
    {
        Assert.Equal(matches, PathGlob.Parse(pattern, "Exclude").Matches(path));
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("a//b")]
    [InlineData("[abc")]
    // FileSystemGlobbing has no '?' or sets; PathPattern had them. Refused rather than matched literally.
    [InlineData("?.txt")]
    [InlineData("model-0000[1-2]*")]
    [InlineData("../outside/*")]
    [InlineData("docs/./a.md")]
    [InlineData("docs**/a.md")]
    public void Unusable_patterns_are_refused_with_InvalidPackOption(string pattern)
    {
        var error = Assert.Throws<ModelPackException>(() => PathGlob.Parse(pattern, "Include"));

        Assert.Equal(ErrorIds.InvalidPackOption, error.ErrorId);
        Assert.Contains("Include", error.Message, System.StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("model.gguf", LayerKind.Weight)]
    [InlineData("onnx/model.onnx_data", LayerKind.Weight)]
    [InlineData("pytorch_model.bin.index.json", LayerKind.WeightConfig)]
    [InlineData("tokenizer.model", LayerKind.WeightConfig)]
    [InlineData("vocab.txt", LayerKind.WeightConfig)]
    [InlineData("merges.txt", LayerKind.WeightConfig)]
    [InlineData("cl100k_base.tiktoken", LayerKind.WeightConfig)]
    [InlineData("preprocessor_config.json", LayerKind.WeightConfig)]
    [InlineData("LICENSE", LayerKind.Doc)]
    [InlineData("README", LayerKind.Doc)]
    [InlineData("notes.txt", LayerKind.Doc)]
    [InlineData("requirements.txt", LayerKind.Code)]
    [InlineData("src/infer.py", LayerKind.Code)]
    [InlineData("Dockerfile", LayerKind.Code)]
    [InlineData("train.parquet", LayerKind.Dataset)]
    public void Built_in_rules_classify_by_name_before_extension(string path, LayerKind kind)
    {
        Assert.Equal(kind, FileClassifier.Classify(path));
    }

    [Theory]
    [InlineData("weights.xyz")]
    [InlineData(".bin")]
    [InlineData("data")]
    public void Names_no_rule_knows_are_unclassified(string path)
    {
        Assert.Null(FileClassifier.Classify(path));
    }
}
