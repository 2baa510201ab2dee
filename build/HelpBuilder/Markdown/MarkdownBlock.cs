using System.Collections.Generic;

namespace ModelPack.HelpBuilder.Markdown;

/// <summary>One block of a markdown page; Line is 1-based in the source file.</summary>
internal abstract record MarkdownBlock(int Line);

/// <summary>An ATX heading (<c># Text</c>), Level 1..6.</summary>
internal sealed record HeadingBlock(int Line, int Level, string Text) : MarkdownBlock(Line);

/// <summary>A fenced code block; Info is the text after the opening fence (e.g. "powershell", "yaml").</summary>
internal sealed record CodeBlock(int Line, string Info, IReadOnlyList<string> Lines) : MarkdownBlock(Line)
{
    public string Text => string.Join("\n", Lines);
}

/// <summary>Consecutive non-blank lines that are neither a heading nor a fence.</summary>
internal sealed record ParagraphBlock(int Line, IReadOnlyList<string> Lines) : MarkdownBlock(Line);
