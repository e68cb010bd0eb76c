using System.CommandLine;
using ClusterControl;
using ProcfsShim;

var mount = new Option<string>("--mount") { Description = "directory to mount the file system on", DefaultValueFactory = _ => "/run/ip_cluster/net" };
var socket = new Option<string?>("--socket") { Description = "clusterd's control socket (default: $CLUSTERD_SOCKET, else /run/ip_cluster/clusterd.sock)" };
var debug = new Option<bool>("--debug") { Description = "log how many nodes the kernel holds each time it forgets some", Recursive = true };
var root = new RootCommand("procfs-shim - serve the ip_cluster status file through FUSE") { mount, socket, debug };
root.SetAction(result => MountCommand.Run(result.GetValue(mount)!, ControlProtocol.SocketPath(result.GetValue(socket)), Trace(result)));

var execSocket = new Option<string?>("--socket") { Description = "clusterd's control socket" };
var command = new Argument<string[]>("command") { Description = "the command and its arguments", Arity = ArgumentArity.OneOrMore };
var exec = new Command("exec", "run COMMAND where /proc/net/ip_cluster exists (a private mount namespace)") { execSocket, command };
exec.SetAction(result => ExecCommand.Run(result.GetValue(command)!, ControlProtocol.SocketPath(result.GetValue(execSocket)), Trace(result)));
root.Subcommands.Add(exec);

return root.Parse(args).Invoke();

Action<string>? Trace(ParseResult result) =>
    result.GetValue(debug) ? message => Console.Error.WriteLine("procfs-shim: " + message) : null;
