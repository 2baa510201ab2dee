using ModelPack.Core.Errors;
using ModelPack.Core.Packing;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Tests.Packing;

/// <summary>Wildcards on model-relative paths, and the built-in kind rules.</summary>
public sealed class PathPatternTests
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
    [InlineData("model-0000[1-2]*", "model-00002-of-00003.safetensors", true)]
    [InlineData("model-0000[1-2]*", "model-00003-of-00003.safetensors", false)]
    [InlineData("?.txt", "a.txt", true)]
    [InlineData("?.txt", "ab.txt", false)]
    [InlineData("a+b(c).txt", "a+b(c).txt", true)]
    public void Patterns_match_paths_like_gitignore_and_PowerShell_wildcards(string pattern, string path, bool matches)
    {
        Assert.Equal(matches, PathPattern.Parse(pattern, "Exclude").Matches(path));
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("a//b")]
    [InlineData("[abc")]
    public void Unusable_patterns_are_refused_with_InvalidPackOption(string pattern)
    {
        var error = Assert.Throws<ModelPackException>(() => PathPattern.Parse(pattern, "Include"));

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
