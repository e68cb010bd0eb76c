using System.Runtime.InteropServices;
using Clusterd.Core;

namespace Clusterd.Kernel.Nftables;

/// <summary>
/// libnftables (package libnftables1): runs an nft script in one kernel transaction, so a whole
/// ruleset change either applies or leaves the old rules in force.
/// </summary>
public sealed partial class NftablesLibrary : IDisposable
{
    private const string Library = "libnftables.so.1";
    private const uint NFT_CTX_OUTPUT_JSON = 1 << 4;

    private readonly Lock _gate = new();
    private IntPtr _context;

    public NftablesLibrary()
    {
        try
        {
            _context = nft_ctx_new(0);
        }
        catch (DllNotFoundException)
        {
            throw new KernelRefusedException($"{Library} not found (install the nftables package)");
        }
        // Without buffers, nft would print its output and errors to clusterd's own stdout and stderr.
        if (nft_ctx_buffer_output(_context) != 0 || nft_ctx_buffer_error(_context) != 0)
            throw new KernelRefusedException("libnftables cannot buffer its output");
    }

    /// <summary>Runs <paramref name="script"/>; throws <see cref="KernelRefusedException"/> with nft's own error text.</summary>
    /// <param name="json">Output (of list commands) in JSON.</param>
    public string Run(string script, bool json = false)
    {
        lock (_gate)
        {
            nft_ctx_output_set_flags(_context, json ? NFT_CTX_OUTPUT_JSON : 0);
            int status = nft_run_cmd_from_buffer(_context, script);
            string output = Marshal.PtrToStringUTF8(nft_ctx_get_output_buffer(_context)) ?? "";
            string error = Marshal.PtrToStringUTF8(nft_ctx_get_error_buffer(_context)) ?? "";
            if (status != 0) throw new KernelRefusedException("nftables refused the rules: " + FirstLines(error));
            return output;
        }
    }

    private static string FirstLines(string error) =>
        string.Join(" / ", error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Take(3));

    public void Dispose()
    {
        if (_context != IntPtr.Zero) nft_ctx_free(_context);
        _context = IntPtr.Zero;
    }

    [LibraryImport(Library)]
    private static partial IntPtr nft_ctx_new(uint flags);

    [LibraryImport(Library)]
    private static partial void nft_ctx_free(IntPtr context);

    [LibraryImport(Library)]
    private static partial int nft_ctx_buffer_output(IntPtr context);

    [LibraryImport(Library)]
    private static partial int nft_ctx_buffer_error(IntPtr context);

    [LibraryImport(Library)]
    private static partial IntPtr nft_ctx_get_output_buffer(IntPtr context);

    [LibraryImport(Library)]
    private static partial IntPtr nft_ctx_get_error_buffer(IntPtr context);

    [LibraryImport(Library)]
    private static partial void nft_ctx_output_set_flags(IntPtr context, uint flags);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int nft_run_cmd_from_buffer(IntPtr context, string buffer);
}
