"""Exchange formats, each read and written in one module: Open Event exports (`openevent`),
c3voc schedule.json (`c3voc`) and frab schedule.xml (`frab`, written only)."""
