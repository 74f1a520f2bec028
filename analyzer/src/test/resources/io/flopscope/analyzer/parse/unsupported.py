match command:
    case 1:
        pass
async def fetch():
    async for item in source:
        await item
    async with lock:
        pass
def gen():
    x = yield 1
    nonlocal y
s = {1, 2}
c = 3j
raw = b"bytes"
print >> sys.stderr, "py2"
