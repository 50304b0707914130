// Copyright (c) CdnTasks contributors. MIT License.

using System.Net;
using System.Net.Sockets;

namespace CdnTasks.Tests.Reliability
{
    /// <summary>
    /// A loopback port that refuses connections for as long as this lives: it is bound and never listens, so no
    /// emulator or listener that another test starts meanwhile can be given it (a port freed after a bind could be).
    /// </summary>
    internal sealed class ClosedPort : IDisposable
    {
        private readonly Socket _socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

        public ClosedPort()
        {
            _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            Port = ((IPEndPoint)_socket.LocalEndPoint!).Port;
        }

        public int Port { get; }

        public void Dispose() => _socket.Dispose();
    }
}
