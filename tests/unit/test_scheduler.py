import asyncio

from care.streaming.scheduler import ConversationScheduler


async def test_jobs_of_one_conversation_run_in_order_and_others_run_alongside() -> None:
    scheduler = ConversationScheduler(max_in_flight=10)
    done: list[str] = []
    release_a1 = asyncio.Event()

    async def job(name: str, wait: asyncio.Event | None = None) -> None:
        if wait is not None:
            await wait.wait()
        done.append(name)

    await scheduler.submit("a", lambda: job("a1", release_a1))
    await scheduler.submit("a", lambda: job("a2"))
    await scheduler.submit("b", lambda: job("b1"))
    for _ in range(5):
        await asyncio.sleep(0)
    assert done == ["b1"]  # b does not wait for a's slow job; a2 waits for a1
    release_a1.set()
    await scheduler.drain()
    assert done == ["b1", "a1", "a2"]
    assert scheduler.in_flight == 0


async def test_a_failing_job_does_not_stop_the_next_one() -> None:
    scheduler = ConversationScheduler(max_in_flight=2)
    done: list[str] = []

    async def fail() -> None:
        raise RuntimeError("boom")

    async def ok() -> None:
        done.append("ok")

    await scheduler.submit("a", fail)
    await scheduler.submit("a", ok)
    await scheduler.drain()
    assert done == ["ok"]


async def test_submit_waits_when_too_many_jobs_are_in_flight() -> None:
    scheduler = ConversationScheduler(max_in_flight=1)
    gate = asyncio.Event()

    async def blocked() -> None:
        await gate.wait()

    async def quick() -> None:
        pass

    await scheduler.submit("a", blocked)
    second = asyncio.create_task(scheduler.submit("b", quick))
    for _ in range(5):
        await asyncio.sleep(0)
    assert not second.done()
    gate.set()
    await second
    await scheduler.drain()
