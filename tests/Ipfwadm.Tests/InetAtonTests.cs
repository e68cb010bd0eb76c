namespace Ipfwadm.Tests;

/// <summary>The numeric forms inet_aton reads, with the range each form allows its last part.</summary>
public sealed class InetAtonTests
{
    [Theory]
    [InlineData("224.0", "224.0.0.0")]
    [InlineData("127.1", "127.0.0.1")]
    [InlineData("10", "0.0.0.10")]
    [InlineData("1.2.3", "1.2.0.3")]
    [InlineData("1.2.65535", "1.2.255.255")]
    [InlineData("1.16777215", "1.255.255.255")]
    [InlineData("4294967295", "255.255.255.255")]
    [InlineData("010.0.0.1", "8.0.0.1")]
    [InlineData("0x7f.1", "127.0.0.1")]
    [InlineData("0X7F.0Xff.0.1", "127.255.0.1")]
    [InlineData("0x", "0.0.0.0")]
    [InlineData("0", "0.0.0.0")]
    public void ReadsTheForm(string text, string expected)
    {
        Assert.True(InetAton.TryParse(text, out var address));
        Assert.Equal(expected, address.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("1.2.65536")]
    [InlineData("1.16777216")]
    [InlineData("4294967296")]
    [InlineData("256.1")]
    [InlineData("1.256.1.1")]
    [InlineData("08")]
    [InlineData("0x1g")]
    [InlineData("1..2")]
    [InlineData("1.2.")]
    [InlineData(".1")]
    [InlineData("1.2.3.4.5")]
    [InlineData("1.2.3.4 ")]
    [InlineData("-1")]
    [InlineData("host.example")]
    public void RefusesWhatIsNotANumber(string text) => Assert.False(InetAton.TryParse(text, out _));
}
