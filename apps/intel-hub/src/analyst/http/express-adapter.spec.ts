import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { bornWith } from './express-adapter';

describe('bornWith (request and response objects born with express prototypes)', () => {
  it('given a prototype on IncomingMessage, then the object has it and is a working request', () => {
    const proto = Object.create(IncomingMessage.prototype) as object;
    const Req = bornWith(IncomingMessage, proto);
    const socket = new Socket();
    const req = new Req(socket);
    expect(Object.getPrototypeOf(req)).toBe(proto);
    expect(req).toBeInstanceOf(IncomingMessage);
    expect(req.socket).toBe(socket);
    expect(req.headers).toEqual({});
    // What express does on every request changes nothing now.
    Object.setPrototypeOf(req, proto);
    expect(Object.getPrototypeOf(req)).toBe(proto);
    socket.destroy();
  });

  it('given a prototype on ServerResponse, then the response is born with it and answers', () => {
    const socket = new Socket();
    const req = new IncomingMessage(socket);
    req.method = 'GET';
    req.httpVersionMajor = 1;
    req.httpVersionMinor = 1;
    const proto = Object.create(ServerResponse.prototype) as object;
    const res = new (bornWith(ServerResponse, proto))(req);
    expect(Object.getPrototypeOf(res)).toBe(proto);
    expect(res).toBeInstanceOf(ServerResponse);
    res.setHeader('X-Test', '1');
    expect(res.getHeader('x-test')).toBe('1');
    expect(res.statusCode).toBe(200);
    socket.destroy();
  });
});
