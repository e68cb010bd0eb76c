using ClusterControl;

namespace Clusterd.Tests;

public class TerminalTextTests
{
    [Theory]
    [InlineData("bad pool name 'pool0'", "bad pool name 'pool0'")]              // printable text is untouched
    [InlineData("C:\\x01 stays", "C:\\x01 stays")]                                 // so are backslashes
    [InlineData("a\x1b[2Jb", "a\\x1b[2Jb")]
    [InlineData("bell\x07 tab\t cr\r del\x7f c1\u009b", "bell\\x07 tab\\x09 cr\\x0d del\\x7f c1\\x9b")]
    [InlineData("two\nlines\n", "two\nlines\n")]                                  // line ends stay
    [InlineData("nul\0", "nul\\x00")]
    [InlineData("é ü 漢", "é ü 漢")]
    public void EscapesControlCharactersOnly(string text, string shown) => Assert.Equal(shown, TerminalText.Escape(text));
}
