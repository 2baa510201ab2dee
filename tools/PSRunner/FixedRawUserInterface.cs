using System;
using System.Management.Automation.Host;

namespace ModelPack.Hosting;

/// <summary>
/// A raw console of fixed width for non-interactive hosts (psrunner, the test host): the formatter
/// reads the width to lay out tables; nothing here reads keys or moves a cursor.
/// Shared by tools/PSRunner and tests/ModelPack.PowerShell.Tests (linked source).
/// </summary>
internal sealed class FixedRawUserInterface : PSHostRawUserInterface
{
    public FixedRawUserInterface(int width, int height)
    {
        BufferSize = new Size(width, 3000);
        WindowSize = new Size(width, height);
        MaxWindowSize = new Size(width, height);
    }

    public override ConsoleColor BackgroundColor { get; set; } = ConsoleColor.Black;

    public override Size BufferSize { get; set; }

    public override Coordinates CursorPosition { get; set; }

    public override int CursorSize { get; set; }

    public override ConsoleColor ForegroundColor { get; set; } = ConsoleColor.Gray;

    public override bool KeyAvailable => false;

    public override Size MaxPhysicalWindowSize => MaxWindowSize;

    public override Size MaxWindowSize { get; }

    public override Coordinates WindowPosition { get; set; }

    public override Size WindowSize { get; set; }

    public override string WindowTitle { get; set; } = string.Empty;

    public override void FlushInputBuffer()
    {
    }

    public override BufferCell[,] GetBufferContents(Rectangle rectangle) => new BufferCell[0, 0];

    public override KeyInfo ReadKey(ReadKeyOptions options) => throw new NotSupportedException("This host is not interactive.");

    public override void ScrollBufferContents(Rectangle source, Coordinates destination, Rectangle clip, BufferCell fill)
    {
    }

    public override void SetBufferContents(Coordinates origin, BufferCell[,] contents)
    {
    }

    public override void SetBufferContents(Rectangle rectangle, BufferCell fill)
    {
    }
}
