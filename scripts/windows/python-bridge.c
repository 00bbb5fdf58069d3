/*
 * python3.exe for the Windows suite under Wine: Windows Node cannot start the
 * Linux python3 that the fixtures need (Wine runs Unix programs without a real
 * process handle, and libuv aborts on that). This stand-in sends its command
 * line, directory and environment to the bridge server that `npm run
 * test:windows` runs on the Linux side, which runs python3 there; stdin,
 * stdout, stderr and the exit code are relayed over one localhost socket.
 * Killing this process closes the socket, and the server kills python3.
 *
 * Frames both ways: 1 byte kind, 4 bytes little-endian length, payload.
 * To the server: 'A' argument, 'C' directory, 'E' NAME=value, 'G' go,
 * 'I' stdin bytes, 'Z' end of stdin. From it: 'O' stdout, 'R' stderr,
 * 'X' exit code (4 bytes).
 */
#include <winsock2.h>
#include <windows.h>
#include <shellapi.h>
#include <stdio.h>
#include <stdlib.h>

static SOCKET sock;

static void fail(const char *what) {
  fprintf(stderr, "python-bridge: %s (error %lu / %d)\n", what, GetLastError(), WSAGetLastError());
  ExitProcess(97);
}

static void send_all(const char *p, int n) {
  while (n > 0) {
    int k = send(sock, p, n, 0);
    if (k <= 0) fail("send to the bridge server failed");
    p += k;
    n -= k;
  }
}

static void frame(char kind, const char *p, unsigned n) {
  unsigned char h[5] = {(unsigned char)kind, n & 255, (n >> 8) & 255, (n >> 16) & 255, n >> 24};
  send_all((const char *)h, 5);
  if (n) send_all(p, (int)n);
}

static void frame_w(char kind, const wchar_t *w) {
  int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, NULL, 0, NULL, NULL);
  char *u = malloc(n > 0 ? n : 1);
  if (!u) fail("out of memory");
  WideCharToMultiByte(CP_UTF8, 0, w, -1, u, n, NULL, NULL);
  frame(kind, u, n > 0 ? (unsigned)n - 1 : 0);
  free(u);
}

static int recv_all(char *p, int n) {
  while (n > 0) {
    int k = recv(sock, p, n, 0);
    if (k <= 0) return 0;
    p += k;
    n -= k;
  }
  return 1;
}

static DWORD WINAPI pump_stdin(LPVOID unused) {
  (void)unused;
  HANDLE in = GetStdHandle(STD_INPUT_HANDLE);
  static char buf[65536];
  DWORD n;
  if (in != NULL && in != INVALID_HANDLE_VALUE)
    while (ReadFile(in, buf, sizeof buf, &n, NULL) && n > 0) frame('I', buf, n);
  frame('Z', NULL, 0);
  return 0;
}

static void write_all(HANDLE h, const char *p, DWORD n) {
  DWORD k;
  while (n > 0 && WriteFile(h, p, n, &k, NULL) && k > 0) {
    p += k;
    n -= k;
  }
}

int main(void) {
  const char *port = getenv("TAKTIK_PYTHON_BRIDGE_PORT");
  if (!port) fail("TAKTIK_PYTHON_BRIDGE_PORT is not set (run through npm run test:windows)");
  WSADATA wsa;
  if (WSAStartup(MAKEWORD(2, 2), &wsa)) fail("WSAStartup");
  sock = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  if (sock == INVALID_SOCKET) fail("socket");
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_port = htons((unsigned short)atoi(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(sock, (struct sockaddr *)&a, sizeof a)) fail("connect to the bridge server");

  int argc;
  wchar_t **argv = CommandLineToArgvW(GetCommandLineW(), &argc);
  if (!argv) fail("CommandLineToArgvW");
  for (int i = 1; i < argc; i++) frame_w('A', argv[i]);
  wchar_t cwd[4096];
  if (GetCurrentDirectoryW(4096, cwd)) frame_w('C', cwd);
  wchar_t *env = GetEnvironmentStringsW();
  for (wchar_t *e = env; e && *e; e += wcslen(e) + 1) frame_w('E', e);
  frame('G', NULL, 0);

  if (!CreateThread(NULL, 0, pump_stdin, NULL, 0, NULL)) fail("CreateThread");
  HANDLE out = GetStdHandle(STD_OUTPUT_HANDLE), err = GetStdHandle(STD_ERROR_HANDLE);
  static char buf[65536];
  for (;;) {
    unsigned char h[5];
    if (!recv_all((char *)h, 5)) fail("the bridge server closed the connection");
    unsigned n = h[1] | h[2] << 8 | h[3] << 16 | (unsigned)h[4] << 24;
    while (n > 0) {
      int k = n > sizeof buf ? (int)sizeof buf : (int)n;
      if (!recv_all(buf, k)) fail("the bridge server closed the connection");
      if (h[0] == 'O') write_all(out, buf, (DWORD)k);
      else if (h[0] == 'R') write_all(err, buf, (DWORD)k);
      else if (h[0] == 'X' && k == 4) ExitProcess((UINT)((buf[0] & 255) | (buf[1] & 255) << 8 | (buf[2] & 255) << 16 | (buf[3] & 255) << 24));
      n -= (unsigned)k;
    }
  }
}
