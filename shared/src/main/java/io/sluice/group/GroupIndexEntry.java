package io.sluice.group;

/**
 * One entry of the group index, the list {@code GET /groups} reads instead of scanning the table
 * (docs/architecture.md, "The group index").
 *
 * @param group     the group's name
 * @param writtenAt when a creator of the group last wrote this entry (its clock, epoch millis); a creator
 *                  writes the entry before it writes the group item, so an entry may briefly name a group
 *                  whose item is not written yet, or never will be (the creator crashed in between)
 * @param confirmed true once a reader saw the group item: group items are never deleted, so the entry is
 *                  then never checked again
 */
public record GroupIndexEntry(String group, long writtenAt, boolean confirmed) {

    public GroupIndexEntry {
        GroupService.validateGroupName(group);
    }
}
