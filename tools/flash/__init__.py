"""What `./flash.sh` puts on a board: the release tree and the Raspberry Pi's install tree."""
