"""Transcribing episodes that publish no transcript (the optional `podbrief[transcribe]` extra).

`audio` decodes a file in chunks of a few minutes (memory stays bounded whatever its length),
`engine` runs faster-whisper on them, `worker` drains the database queue of episodes to transcribe.
"""
